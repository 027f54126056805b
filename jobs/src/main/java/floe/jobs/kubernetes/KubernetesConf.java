package floe.jobs.kubernetes;

import floe.SpecException;
import floe.run.FlinkSettings;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptionsInternal;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Flink configuration of a Kubernetes submission: {@code config.yaml} of a configuration
 * directory ({@code conf/kubernetes}), then {@code -D} settings. Pod template paths are taken
 * relative to that directory, and its logging configuration goes to the pods with it.
 *
 * <pre>{@code
 * Configuration conf = KubernetesConf.load(Path.of("conf/kubernetes"), Map.of("kubernetes.namespace", "batch"));
 * }</pre>
 */
public final class KubernetesConf {
    private static final List<org.apache.flink.configuration.ConfigOption<String>> TEMPLATES = List.of(
            KubernetesConfigOptions.KUBERNETES_POD_TEMPLATE,
            KubernetesConfigOptions.JOB_MANAGER_POD_TEMPLATE,
            KubernetesConfigOptions.TASK_MANAGER_POD_TEMPLATE);

    private KubernetesConf() {}

    public static Configuration load(Path confDir, Map<String, String> settings) {
        Path dir = confDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new SpecException(confDir + ": no config.yaml (the Kubernetes configuration directory, e.g. conf/kubernetes)");
        }
        Configuration conf = GlobalConfiguration.loadConfiguration(dir.toString());
        settings.forEach(conf::setString);
        // config.yaml's Default gives way to AdaptiveBatch with job recovery on, unless these settings choose.
        FlinkSettings.clusterScheduler(conf, settings.containsKey(JobManagerOptions.SCHEDULER.key()));
        conf.set(DeploymentOptionsInternal.CONF_DIR, dir.toString());
        for (var option : TEMPLATES) {
            conf.getOptional(option).ifPresent(file -> {
                Path p = dir.resolve(file).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new SpecException(option.key() + ": no such pod template file: " + p);
                }
                PodTemplates.check(option.key(), p);
                conf.set(option, p.toString());
            });
        }
        return conf;
    }
}

package floe.jobs.cli;

import floe.connectors.oss.OssSettings;
import floe.run.FileSystems;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink and Floe settings for a command: {@code config.yaml} from {@code FLINK_CONF_DIR} when set,
 * then {@code -D key=value} options on top, then OSS credentials and endpoint from the environment
 * where neither gave them. Loading also makes Flink's file systems (plugins included) usable in
 * this JVM with these settings. Secrets are refused on the command line, where {@code ps} shows them.
 */
final class FlinkConfig {
    @Option(names = "-D", paramLabel = "KEY=VALUE",
            description = "A Flink or Floe setting, e.g. -D floe.embedded.slots=4 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /**
     * The settings, from the environment the command was typed in, and Flink's file systems made
     * usable with them ({@link #fileSystems}).
     */
    Configuration load() {
        Configuration conf = settings();
        fileSystems(conf);
        return conf;
    }

    /**
     * The settings alone: a command that starts an embedded Flink starts it first and makes the
     * file systems usable while it starts (their plugins take about 0.1 s to load).
     */
    Configuration settings() {
        floe.run.SecretSettings.refuseOnCommandLine(settings);
        Invocation invocation = Invocation.of(command);
        String dir = invocation.env().get(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(invocation.path(dir));
        settings.forEach(conf::setString);
        return OssSettings.apply(conf, invocation.env());
    }

    /**
     * Makes Flink's file systems (plugins included) usable in this JVM with {@code conf}. In the
     * warm local Flink's JVM they stay as {@code floe up} set them up: its tasks read and write
     * through them.
     */
    void fileSystems(Configuration conf) {
        if (!Invocation.of(command).inWarmFlink()) {
            FileSystems.initialize(conf);
        }
    }
}

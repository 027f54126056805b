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
     * The settings, from the environment the command was typed in. In the warm local Flink's JVM
     * its file systems stay as {@code floe up} set them up: its tasks read and write through them.
     */
    Configuration load() {
        floe.run.SecretSettings.refuseOnCommandLine(settings);
        Invocation invocation = Invocation.of(command);
        String dir = invocation.env().get(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(invocation.path(dir));
        settings.forEach(conf::setString);
        Configuration withOss = OssSettings.apply(conf, invocation.env());
        if (!invocation.inWarmFlink()) {
            FileSystems.initialize(withOss);
        }
        return withOss;
    }
}

package floe.jobs.cli;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink and Floe settings for a command: {@code config.yaml} from {@code FLINK_CONF_DIR} when set,
 * then {@code -D key=value} options on top.
 */
final class FlinkConfig {
    @Option(names = "-D", paramLabel = "KEY=VALUE",
            description = "A Flink or Floe setting, e.g. -D floe.embedded.slots=4 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    Configuration load() {
        String dir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
        settings.forEach(conf::setString);
        return conf;
    }
}

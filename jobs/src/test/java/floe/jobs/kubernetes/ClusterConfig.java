package floe.jobs.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Flink configuration a pod reads from its ConfigMap, read the same way (Flink's loader). */
final class ClusterConfig {
    private ClusterConfig() {}

    static Configuration of(ConfigMap configMap) {
        try {
            Path dir = Files.createTempDirectory("flink-conf");
            Path file = Files.writeString(dir.resolve("config.yaml"), configMap.getData().get("config.yaml"));
            try {
                return GlobalConfiguration.loadConfiguration(dir.toString());
            } finally {
                Files.delete(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

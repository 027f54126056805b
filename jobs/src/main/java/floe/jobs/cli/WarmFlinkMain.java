package floe.jobs.cli;

import floe.jobs.cluster.WarmFlink;
import floe.run.EmbeddedRunner;
import floe.run.FloeOptions;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The warm Flink's JVM ({@link WarmFlink}): an embedded Flink with the settings of {@code
 * FLINK_CONF_DIR}, its REST API on a free loopback port behind mutual TLS, and the commands that
 * {@code bin/floe} hands it ({@link WarmRequests}), kept until the JVM is stopped (SIGTERM cancels
 * the jobs that run, as for {@code floe run}).
 */
public final class WarmFlinkMain {
    private WarmFlinkMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String confDir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        // As every floe command loads its settings: OSS credentials and endpoint from the environment where config.yaml has none.
        Configuration conf = floe.connectors.oss.OssSettings.apply(
                confDir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(confDir), System.getenv());
        WarmFlink.in(dir).tlsSettings().forEach(conf::setString);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        // Flink's REST API answers job details from a cache kept for web.refresh-interval (3 s): a
        // client following a job that took 0.2 s would wait that long to see it end.
        if (!conf.contains(RestOptions.CACHE_EXECUTION_GRAPH_TIMEOUT)) {
            conf.set(RestOptions.CACHE_EXECUTION_GRAPH_TIMEOUT, Duration.ofMillis(100));
        }
        EmbeddedRunner flink = EmbeddedRunner.start(conf);
        WarmUp.run(dir, flink); // before the record: bin/floe hands nothing over until it is there
        WarmRequests.serve(dir, flink);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> WarmFlink.removeRecord(dir), "floe-warm-record"));
        WarmFlink.writeRecord(dir, flink.restAddress(), conf.get(FloeOptions.EMBEDDED_SLOTS));
        new CountDownLatch(1).await();
    }
}

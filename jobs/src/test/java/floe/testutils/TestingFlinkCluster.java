package floe.testutils;

import floe.jobs.cluster.ClusterHome;
import floe.jobs.cluster.SessionCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Flink standalone session cluster for end-to-end tests: the JVMs {@code floe cluster
 * start} runs, from the build's {@code jobs/target/flink-lib} and {@code conf/session}, on free
 * ports, with pid files and logs in a test directory.
 *
 * <pre>{@code
 * try (TestingFlinkCluster flink = TestingFlinkCluster.start(dir, 2, 2)) {
 *     URI rest = flink.rest();
 * }
 * }</pre>
 */
public final class TestingFlinkCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final SessionCluster cluster;

    private TestingFlinkCluster(SessionCluster cluster) {
        this.cluster = cluster;
    }

    /** Floe's home in a build: the {@code floe.home} the build passes, else the module's parent. */
    public static Path floeHome() {
        return Path.of(System.getProperty("floe.home", "..")).toAbsolutePath().normalize();
    }

    public static TestingFlinkCluster start(Path dir, int taskManagers, int slots) {
        return start(dir, taskManagers, slots, Map.of());
    }

    /** Starts a cluster with {@code settings} over {@code conf/session/config.yaml}, on free ports. */
    public static TestingFlinkCluster start(Path dir, int taskManagers, int slots, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("rest.port", Integer.toString(freePort()));
        all.put("jobmanager.rpc.port", Integer.toString(freePort()));
        all.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        SessionCluster cluster = SessionCluster.in(dir, ClusterHome.of(floeHome()), all);
        cluster.start(taskManagers, START_TIMEOUT);
        return new TestingFlinkCluster(cluster);
    }

    /**
     * A highly available cluster ({@code floe cluster start --ha}): its own ZooKeeper server, a
     * JobManager and a standby, {@code taskManagers} TaskManagers, on free ports.
     */
    public static TestingFlinkCluster startHighlyAvailable(Path dir, int taskManagers, int slots, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("rest.port", Integer.toString(freePort()));
        all.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        SessionCluster cluster = SessionCluster.in(dir, ClusterHome.of(floeHome()), all).highlyAvailable(freePort());
        cluster.start(taskManagers, START_TIMEOUT);
        return new TestingFlinkCluster(cluster);
    }

    public URI rest() {
        return cluster.restAddress();
    }

    /** The directory to point {@code FLINK_CONF_DIR} at for this cluster. */
    public Path confDir() {
        return cluster.dir().resolve("conf");
    }

    public SessionCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        cluster.stop();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package floe.jobs.cluster;

import floe.FloeException;
import floe.SpecException;
import floe.jobs.cluster.FlinkJvm.Role;
import floe.run.rest.FlinkRest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster on this machine: a JobManager JVM and TaskManager JVMs from
 * Floe's own Flink jars, each with its pid file, output and log in one directory.
 *
 * <pre>{@code
 * SessionCluster cluster = SessionCluster.in(Path.of("log/session"), ClusterHome.of(Path.of(".")),
 *         Map.of("rest.port", "8081"));
 * cluster.start(2, Duration.ofMinutes(3));   // returns when both TaskManagers registered
 * URI rest = cluster.restAddress();           // http://127.0.0.1:8081
 * cluster.stop();
 * }</pre>
 */
public final class SessionCluster {
    static final String JOBMANAGER = "jobmanager";
    private static final String TASKMANAGER = "taskmanager-";
    private static final String CONF = "conf";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path dir;
    private final ClusterHome home;
    private final Map<String, String> settings;

    private SessionCluster(Path dir, ClusterHome home, Map<String, String> settings) {
        this.dir = dir.toAbsolutePath().normalize();
        this.home = home;
        this.settings = Map.copyOf(settings);
    }

    /**
     * The cluster kept in {@code dir}, configured by {@code home}'s {@code config.yaml} with {@code
     * settings} on top (given once at start; later calls read them back from the directory).
     */
    public static SessionCluster in(Path dir, ClusterHome home, Map<String, String> settings) {
        return new SessionCluster(dir, home, settings);
    }

    /**
     * The cluster a previous start left in {@code dir}: its configuration is the one that start
     * wrote to {@code dir/conf}.
     */
    public static SessionCluster existing(Path dir, ClusterHome home) {
        Path conf = dir.resolve(CONF);
        ClusterHome started = Files.isRegularFile(conf.resolve("config.yaml"))
                ? new ClusterHome(conf, home.libDir(), home.jvmArgs()) : home;
        return new SessionCluster(dir, started, Map.of());
    }

    public Path dir() {
        return dir;
    }

    /**
     * The Flink configuration the cluster's JVMs read: {@code config.yaml} plus the settings. A
     * start writes it to {@code DIR/conf}, for the {@code flink} command line and {@code floe
     * submit} ({@code FLINK_CONF_DIR=DIR/conf}).
     */
    public Configuration configuration() {
        return GlobalConfiguration.loadConfiguration(home.confDir().toString(), Configuration.fromMap(settings));
    }

    /** Where the REST API and web UI answer, e.g. {@code http://127.0.0.1:8081}. */
    public URI restAddress() {
        Configuration conf = configuration();
        String scheme = org.apache.flink.configuration.SecurityOptions.isRestSSLEnabled(conf) ? "https" : "http";
        return URI.create(scheme + "://" + conf.get(RestOptions.ADDRESS) + ":" + conf.get(RestOptions.PORT));
    }

    /**
     * Starts the JobManager and {@code taskManagers} TaskManagers and returns once the REST API
     * answers and all of them registered. Refuses when this directory's cluster still runs or the
     * REST port is taken; a JVM that exits while starting fails the start with its log's tail,
     * and stops what was started.
     */
    public void start(int taskManagers, Duration timeout) {
        home.check();
        if (taskManagers < 1) {
            throw new SpecException("--taskmanagers " + taskManagers + ": at least 1");
        }
        Optional<ProcessHandle> running = FlinkJvm.find(dir, JOBMANAGER, Role.JOBMANAGER);
        if (running.isPresent()) {
            throw new SpecException(dir + ": a session cluster is already running here (JobManager pid "
                    + running.get().pid() + ", " + existing(dir, home).restAddress() + "); stop it first with: floe cluster stop");
        }
        URI rest = restAddress();
        checkFree(rest.getHost(), rest.getPort(), "rest.port");
        Configuration conf = configuration();
        checkFree(conf.get(JobManagerOptions.ADDRESS), conf.get(JobManagerOptions.PORT), "jobmanager.rpc.port");
        try {
            Files.createDirectories(dir);
            clearOldFiles();
            writeConf(conf);
        } catch (IOException e) {
            throw new SpecException(dir + ": cannot use as the cluster's directory: " + e.getMessage());
        }
        ClusterHome started = startedHome();
        FlinkJvm.start(started, dir, JOBMANAGER, Role.JOBMANAGER);
        for (int i = 1; i <= taskManagers; i++) {
            FlinkJvm.start(started, dir, TASKMANAGER + i, Role.TASKMANAGER);
        }
        try {
            awaitReady(taskManagers, timeout);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    /**
     * Starts one more TaskManager (a replacement, or more slots) and returns its process; it
     * registers with the JobManager on its own.
     */
    public ProcessHandle addTaskManager() {
        int next = 1;
        while (Files.exists(FlinkJvm.pidFile(dir, TASKMANAGER + next))) {
            next++;
        }
        return FlinkJvm.start(startedHome(), dir, TASKMANAGER + next, Role.TASKMANAGER);
    }

    /** The running TaskManager JVMs, in the order they were started. */
    public List<ProcessHandle> taskManagers() {
        List<ProcessHandle> all = new ArrayList<>();
        for (String name : taskManagerNames()) {
            FlinkJvm.find(dir, name, Role.TASKMANAGER).ifPresent(all::add);
        }
        return all;
    }

    public Optional<ProcessHandle> jobManager() {
        return FlinkJvm.find(dir, JOBMANAGER, Role.JOBMANAGER);
    }

    /** What runs and what the REST API says, in a few lines; {@code running} is whether the JobManager runs. */
    public ClusterStatus status() {
        Optional<ProcessHandle> jm = jobManager();
        List<ProcessHandle> tms = taskManagers();
        Optional<FlinkRest.Overview> overview = jm.isPresent() ? FlinkRest.probe(restAddress(), configuration()) : Optional.empty();
        return new ClusterStatus(dir, restAddress(), jm.map(ProcessHandle::pid), tms.stream().map(ProcessHandle::pid).toList(), overview);
    }

    /** Stops every JVM of this directory (TaskManagers first); true if any was running. */
    public boolean stop() {
        boolean any = false;
        for (String name : taskManagerNames()) {
            Optional<ProcessHandle> tm = FlinkJvm.find(dir, name, Role.TASKMANAGER);
            if (tm.isPresent()) {
                FlinkJvm.stop(dir, name, tm.get(), STOP_GRACE);
                any = true;
            }
        }
        Optional<ProcessHandle> jm = FlinkJvm.find(dir, JOBMANAGER, Role.JOBMANAGER);
        if (jm.isPresent()) {
            FlinkJvm.stop(dir, JOBMANAGER, jm.get(), STOP_GRACE);
            any = true;
        }
        return any;
    }

    private void awaitReady(int taskManagers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int slots = taskManagers * configuration().get(TaskManagerOptions.NUM_TASK_SLOTS);
        URI rest = restAddress();
        while (true) {
            for (String name : allNames()) {
                Role role = name.equals(JOBMANAGER) ? Role.JOBMANAGER : Role.TASKMANAGER;
                if (FlinkJvm.find(dir, name, role).isEmpty()) {
                    throw new FloeException("the " + name + " exited while the cluster was starting:\n"
                            + FlinkJvm.tail(dir, name, 20));
                }
            }
            Optional<FlinkRest.Overview> overview = FlinkRest.probe(rest, configuration());
            // A TaskManager reports its slots just after it registers: wait for those too.
            if (overview.isPresent() && overview.get().taskManagers() >= taskManagers && overview.get().slotsTotal() >= slots) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new FloeException("the cluster did not come up within " + timeout.toSeconds() + " s ("
                        + overview.map(o -> o.taskManagers() + " of " + taskManagers + " TaskManagers registered")
                                .orElse("no answer from " + rest) + "); logs in " + dir);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FloeException("interrupted while waiting for the cluster", e);
            }
        }
    }

    private List<String> allNames() {
        List<String> names = new ArrayList<>(List.of(JOBMANAGER));
        names.addAll(taskManagerNames());
        return names;
    }

    private List<String> taskManagerNames() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(TASKMANAGER) && n.endsWith(".pid"))
                    .map(n -> n.substring(0, n.length() - ".pid".length()))
                    .sorted((a, b) -> Integer.compare(index(a), index(b)))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int index(String taskManagerName) {
        return Integer.parseInt(taskManagerName.substring(TASKMANAGER.length()));
    }

    /** Pid files and logs of an earlier, stopped cluster in this directory. */
    private void clearOldFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".pid") || n.endsWith(".out") || n.matches(".*\\.log(\\.\\d+)?")) {
                    Files.delete(f);
                }
            }
        }
    }

    /** The configuration the JVMs start with, written out whole (config.yaml plus settings). */
    private void writeConf(Configuration conf) throws IOException {
        Path target = dir.resolve(CONF);
        Files.createDirectories(target);
        List<String> lines = new ArrayList<>(List.of("# Written by floe cluster start: " + home.confDir().resolve("config.yaml")
                + " with the start's settings. FLINK_CONF_DIR=" + target + " for bin/flink and floe submit."));
        lines.addAll(ConfigurationUtils.convertConfigToWritableLines(conf, false));
        Files.write(target.resolve("config.yaml"), lines);
        Path log4j = home.confDir().resolve("log4j.properties");
        if (Files.isRegularFile(log4j)) {
            Files.copy(log4j, target.resolve("log4j.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ClusterHome startedHome() {
        return new ClusterHome(dir.resolve(CONF), home.libDir(), home.jvmArgs());
    }

    private static void checkFree(String host, int port, String option) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new SpecException(option + " " + port + ": " + host + ":" + port
                    + " is in use (another Flink?); stop it or choose another port with -D " + option + "=PORT");
        }
    }
}

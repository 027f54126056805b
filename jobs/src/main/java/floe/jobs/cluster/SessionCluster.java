package floe.jobs.cluster;

import floe.FloeException;
import floe.SpecException;
import floe.jobs.cluster.FlinkJvm.Role;
import floe.run.FlinkSettings;
import floe.run.rest.FlinkRest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
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
    /** The standby JobManager of a highly available cluster. */
    static final String STANDBY = "jobmanager-2";
    static final String ZOOKEEPER = "zookeeper";
    private static final String TASKMANAGER = "taskmanager-";
    private static final String CONF = "conf";
    /** The standby's configuration: the cluster's, with its own REST port. */
    private static final String STANDBY_CONF = "conf-standby";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /**
     * What {@code floe cluster start --ha} sets unless the configuration or the start's settings
     * set it: ZooKeeper high availability with its files under the cluster's directory, and
     * Flink's batch job recovery, so that a JobManager that takes over resumes a batch job from the
     * tasks that had finished instead of from the start. Job recovery needs the AdaptiveBatch
     * scheduler (Floe's jobs choose it on such a cluster, {@code FlinkSettings}), keeps finished
     * tasks' results on the TaskManagers while the JobManager is away, and writes each task's end
     * to the job event store under the storage directory: flushed every 10 ms (Flink's default is
     * 1 s), so that a task that ended just before the JobManager died is seldom run again.
     */
    private static final Map<String, String> HA_DEFAULTS = Map.of(
            "high-availability.type", "zookeeper",
            // A JobManager killed outright holds its leadership until its ZooKeeper session expires:
            // the standby takes over about this long after the kill (Flink's default is 60 s).
            "high-availability.zookeeper.client.session-timeout", "10 s",
            "execution.batch.job-recovery.enabled", "true",
            // A task's end counts after a failover only when a snapshot of the coordinators and the
            // shuffle master follows it in the event log (Flink drops the trailing events without
            // one); by default a snapshot is taken at most every 3 min or when a stage ends, so the
            // ends of a stage's first tasks were forgotten and the tasks ran again. Floe's
            // coordinators hold nothing, and the snapshot costs next to nothing.
            "execution.batch.job-recovery.snapshot.min-pause", "0 ms",
            // The JobManager releases a finished consumer's inputs at once, but writes its end to the
            // event log only at the next flush: a JobManager killed in between forgets the end while
            // the inputs are gone, and their producers run again. Flush often to keep that window small.
            "job-event.store.write-buffer.flush-interval", "10 ms",
            // A TaskManager frees the slots of a job whose JobManager went away once this timeout
            // passes (default 10 s), and with its last slot it let go of the job's finished
            // results: a standby slower than that to take over (seen on a loaded machine) found
            // them reported but gone, and the producers ran again. Long enough for a takeover.
            "taskmanager.slot.timeout", "5 min");

    private final Path dir;
    private final ClusterHome home;
    private final Map<String, String> settings;
    /** The standby JobManager's REST port when the cluster is highly available, else 0. */
    private final int standbyRestPort;
    /** The quorum of the ZooKeeper server this cluster's start started, once it chose a port. */
    private volatile String ownQuorum;

    private SessionCluster(Path dir, ClusterHome home, Map<String, String> settings, int standbyRestPort) {
        this.dir = dir.toAbsolutePath().normalize();
        this.home = home;
        this.settings = Map.copyOf(settings);
        this.standbyRestPort = standbyRestPort;
    }

    /**
     * The cluster kept in {@code dir}, configured by {@code home}'s {@code config.yaml} with {@code
     * settings} on top (given once at start; later calls read them back from the directory).
     */
    public static SessionCluster in(Path dir, ClusterHome home, Map<String, String> settings) {
        return new SessionCluster(dir, home, settings, 0);
    }

    /**
     * This cluster made highly available: a ZooKeeper server (Flink's own, from its jars) unless
     * {@code high-availability.zookeeper.quorum} names one, a JobManager and a standby JobManager
     * whose REST API answers at {@code standbyRestPort}, and {@link #HA_DEFAULTS}.
     */
    public SessionCluster highlyAvailable(int standbyRestPort) {
        if (standbyRestPort <= 0) {
            throw new SpecException("--standby-rest-port " + standbyRestPort + ": a port number");
        }
        return new SessionCluster(dir, home, settings, standbyRestPort);
    }

    /**
     * The cluster a previous start left in {@code dir}: its configuration is the one that start
     * wrote to {@code dir/conf}.
     */
    public static SessionCluster existing(Path dir, ClusterHome home) {
        Path conf = dir.resolve(CONF);
        ClusterHome started = Files.isRegularFile(conf.resolve("config.yaml"))
                ? new ClusterHome(conf, home.libDir(), home.jvmArgs()) : home;
        Path standby = dir.resolve(STANDBY_CONF);
        int standbyPort = Files.isRegularFile(standby.resolve("config.yaml"))
                ? GlobalConfiguration.loadConfiguration(standby.toString()).get(RestOptions.PORT) : 0;
        return new SessionCluster(dir, started, Map.of(), standbyPort);
    }

    /** Whether a ZooKeeper quorum and a standby JobManager keep this cluster's jobs when a JobManager dies. */
    public boolean isHighlyAvailable() {
        return standbyRestPort > 0;
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
        Configuration conf = GlobalConfiguration.loadConfiguration(home.confDir().toString(), Configuration.fromMap(settings));
        if (isHighlyAvailable()) {
            HA_DEFAULTS.forEach((key, value) -> {
                if (!conf.containsKey(key)) {
                    conf.setString(key, value);
                }
            });
            // config.yaml's Default scheduler is for clusters without job recovery: only a start's own setting overrides this.
            FlinkSettings.clusterScheduler(conf, settings.containsKey(JobManagerOptions.SCHEDULER.key()));
            if (ownQuorum != null && !conf.contains(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM)) {
                conf.set(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM, ownQuorum);
            }
            if (!conf.containsKey(HighAvailabilityOptions.HA_STORAGE_PATH.key())) {
                conf.set(HighAvailabilityOptions.HA_STORAGE_PATH, dir.resolve("ha").toUri().toString());
            }
        }
        return conf;
    }

    /**
     * Where the REST APIs of a highly available cluster's JobManagers answer: the first
     * JobManager's, then the standby's. Either serves the cluster while its JobManager runs (the
     * standby passes requests on to the leader); a client with the cluster's configuration
     * ({@code FLINK_CONF_DIR=DIR/conf}) finds the leader's through ZooKeeper.
     */
    public List<URI> restAddresses() {
        URI first = restAddress();
        if (!isHighlyAvailable()) {
            return List.of(first);
        }
        return List.of(first, URI.create(first.getScheme() + "://" + first.getHost() + ":" + standbyRestPort));
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
        Optional<ProcessHandle> running = jobManagers().stream().findFirst().or(this::zooKeeper);
        if (running.isPresent()) {
            throw new SpecException(dir + ": a session cluster is already running here (JobManager pid "
                    + running.get().pid() + ", " + existing(dir, home).restAddress() + "); stop it first with: floe cluster stop");
        }
        URI rest = restAddress();
        checkFree(rest.getHost(), rest.getPort(), "rest.port");
        Configuration conf = configuration();
        if (isHighlyAvailable()) {
            // Each JobManager takes a free RPC port of its own (high-availability.jobmanager.port);
            // TaskManagers and clients find the leader through ZooKeeper.
            checkFree(rest.getHost(), standbyRestPort, "--standby-rest-port");
        } else {
            checkFree(conf.get(JobManagerOptions.ADDRESS), conf.get(JobManagerOptions.PORT), "jobmanager.rpc.port");
        }
        boolean ownZooKeeper = isHighlyAvailable() && !conf.contains(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM);
        int zooKeeperPort = 0;
        if (ownZooKeeper) {
            zooKeeperPort = freePort(rest.getHost());
            ownQuorum = rest.getHost() + ":" + zooKeeperPort;
            conf.set(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM, ownQuorum);
        }
        try {
            Files.createDirectories(dir);
            clearOldFiles();
            writeConf(conf, CONF);
            if (isHighlyAvailable()) {
                Configuration standby = new Configuration(conf);
                standby.set(RestOptions.PORT, standbyRestPort);
                writeConf(standby, STANDBY_CONF);
            } else {
                org.apache.flink.util.FileUtils.deleteDirectory(dir.resolve(STANDBY_CONF).toFile());
            }
            if (ownZooKeeper) {
                writeZooKeeperConf(rest.getHost(), zooKeeperPort);
            }
        } catch (IOException e) {
            throw new SpecException(dir + ": cannot use as the cluster's directory: " + e.getMessage());
        }
        ClusterHome started = startedHome();
        try {
            if (ownZooKeeper) {
                startZooKeeper(rest.getHost(), zooKeeperPort, timeout);
            }
            FlinkJvm.start(started, dir, JOBMANAGER, Role.JOBMANAGER);
            if (isHighlyAvailable()) {
                startStandby();
            }
            for (int i = 1; i <= taskManagers; i++) {
                FlinkJvm.start(started, dir, TASKMANAGER + i, Role.TASKMANAGER);
            }
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
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

    /** The running JobManager JVMs: the first, then the standby of a highly available cluster. */
    public List<ProcessHandle> jobManagers() {
        List<ProcessHandle> all = new ArrayList<>();
        for (String name : List.of(JOBMANAGER, STANDBY)) {
            FlinkJvm.find(dir, name, Role.JOBMANAGER).ifPresent(all::add);
        }
        return all;
    }

    /** The JobManager JVM whose REST API answers at {@code rest}, one of {@link #restAddresses()}. */
    public Optional<ProcessHandle> jobManagerAt(URI rest) {
        List<URI> all = restAddresses();
        int i = all.indexOf(rest);
        if (i < 0) {
            return Optional.empty();
        }
        return FlinkJvm.find(dir, i == 0 ? JOBMANAGER : STANDBY, Role.JOBMANAGER);
    }

    /**
     * Starts a highly available cluster's JobManager again (after it died or was stopped): the
     * first one if it does not run, else the standby; it joins the leader election and, leading,
     * recovers the cluster's jobs from ZooKeeper and the storage directory.
     */
    public ProcessHandle startJobManager() {
        if (!isHighlyAvailable()) {
            throw new SpecException(dir + ": not a highly available cluster (floe cluster start --ha)");
        }
        if (FlinkJvm.find(dir, JOBMANAGER, Role.JOBMANAGER).isEmpty()) {
            return FlinkJvm.start(startedHome(), dir, JOBMANAGER, Role.JOBMANAGER);
        }
        if (FlinkJvm.find(dir, STANDBY, Role.JOBMANAGER).isEmpty()) {
            return startStandby();
        }
        throw new SpecException(dir + ": both JobManagers run already");
    }

    /** Stops the JobManager JVMs (SIGTERM), leaving ZooKeeper and the TaskManagers; true if any ran. */
    public boolean stopJobManagers() {
        boolean any = false;
        for (String name : List.of(STANDBY, JOBMANAGER)) {
            Optional<ProcessHandle> jm = FlinkJvm.find(dir, name, Role.JOBMANAGER);
            if (jm.isPresent()) {
                FlinkJvm.stop(dir, name, jm.get(), STOP_GRACE);
                any = true;
            }
        }
        return any;
    }

    /** The ZooKeeper server this cluster started, if it runs. */
    public Optional<ProcessHandle> zooKeeper() {
        return FlinkJvm.find(dir, ZOOKEEPER, Role.ZOOKEEPER);
    }

    private ProcessHandle startStandby() {
        return FlinkJvm.start(new ClusterHome(dir.resolve(STANDBY_CONF), home.libDir(), home.jvmArgs()), dir, STANDBY, Role.JOBMANAGER);
    }

    private void writeZooKeeperConf(String host, int port) throws IOException {
        Path zk = dir.resolve(ZOOKEEPER);
        Files.createDirectories(zk.resolve("data"));
        // A tick of 1 s lets sessions be as short as 2 s (ZooKeeper allows 2 to 20 ticks);
        // Flink asks for high-availability.zookeeper.client.session-timeout.
        Files.write(zk.resolve("zoo.cfg"), List.of(
                "# Written by floe cluster start --ha: the cluster's own ZooKeeper server, one peer.",
                "tickTime=1000",
                "initLimit=10",
                "syncLimit=5",
                "dataDir=" + zk.resolve("data"),
                "clientPort=" + port,
                "clientPortAddress=" + host,
                "admin.enableServer=false",
                "maxClientCnxns=0"));
    }

    /** Starts the ZooKeeper server and returns once it accepts connections. */
    private void startZooKeeper(String host, int port, Duration timeout) {
        FlinkJvm.start(startedHome(), dir, ZOOKEEPER, Role.ZOOKEEPER,
                List.of("--zkConfigFile", dir.resolve(ZOOKEEPER).resolve("zoo.cfg").toString(), "--peerId", "1"));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                // not listening yet
            }
            if (FlinkJvm.find(dir, ZOOKEEPER, Role.ZOOKEEPER).isEmpty()) {
                throw new FloeException("the ZooKeeper server exited while the cluster was starting:\n" + FlinkJvm.tail(dir, ZOOKEEPER, 20));
            }
            if (System.nanoTime() > deadline) {
                throw new FloeException("the ZooKeeper server did not listen on " + host + ":" + port + " within "
                        + timeout.toSeconds() + " s; its log: " + dir.resolve(ZOOKEEPER + ".log"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FloeException("interrupted while waiting for ZooKeeper", e);
            }
        }
    }

    /** What runs and what the REST API says, in a few lines; {@code running} is whether the JobManager runs. */
    public ClusterStatus status() {
        List<ProcessHandle> jms = jobManagers();
        List<ProcessHandle> tms = taskManagers();
        Optional<FlinkRest.Overview> overview = Optional.empty();
        URI answering = restAddress();
        for (URI rest : restAddresses()) {
            if (jobManagerAt(rest).isPresent()) {
                overview = FlinkRest.probe(rest, configuration());
                if (overview.isPresent()) {
                    answering = rest;
                    break;
                }
            }
        }
        Optional<String> ha = !isHighlyAvailable() ? Optional.empty() : Optional.of("ZooKeeper "
                + configuration().get(HighAvailabilityOptions.HA_ZOOKEEPER_QUORUM)
                + zooKeeper().map(p -> " (pid " + p.pid() + ")").orElse(isOwnZooKeeper() ? " (not running)" : "")
                + ", JobManagers' REST " + restAddresses().stream().map(URI::toString).collect(java.util.stream.Collectors.joining(" and ")));
        return new ClusterStatus(dir, answering, jms.stream().findFirst().map(ProcessHandle::pid),
                jms.stream().map(ProcessHandle::pid).toList(), tms.stream().map(ProcessHandle::pid).toList(), overview, ha);
    }

    private boolean isOwnZooKeeper() {
        return Files.isRegularFile(dir.resolve(ZOOKEEPER).resolve("zoo.cfg"));
    }

    /** Stops every JVM of this directory (TaskManagers, JobManagers, then ZooKeeper); true if any was running. */
    public boolean stop() {
        boolean any = false;
        for (String name : taskManagerNames()) {
            Optional<ProcessHandle> tm = FlinkJvm.find(dir, name, Role.TASKMANAGER);
            if (tm.isPresent()) {
                FlinkJvm.stop(dir, name, tm.get(), STOP_GRACE);
                any = true;
            }
        }
        any |= stopJobManagers();
        Optional<ProcessHandle> zk = zooKeeper();
        if (zk.isPresent()) {
            FlinkJvm.stop(dir, ZOOKEEPER, zk.get(), STOP_GRACE);
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
                Role role = name.startsWith(JOBMANAGER) ? Role.JOBMANAGER : Role.TASKMANAGER;
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
        List<String> names = new ArrayList<>(isHighlyAvailable() ? List.of(JOBMANAGER, STANDBY) : List.of(JOBMANAGER));
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

    /** The configuration the JVMs start with, written out whole (config.yaml plus settings) to {@code dir/sub}. */
    private void writeConf(Configuration conf, String sub) throws IOException {
        Path target = dir.resolve(sub);
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

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new FloeException("no free port on " + host + ": " + e.getMessage(), e);
        }
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

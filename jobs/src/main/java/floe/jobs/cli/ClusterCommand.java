package floe.jobs.cli;

import floe.jobs.cluster.ClusterHome;
import floe.jobs.cluster.ClusterStatus;
import floe.jobs.cluster.SessionCluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code floe cluster start|stop|status}: a Flink standalone session cluster on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start, stop or show a Flink standalone session cluster on this machine (conf/session/config.yaml).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class, ClusterCommand.JobManager.class})
final class ClusterCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the cluster keeps pid files and logs. */
    static final class Where {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "The cluster's pid files and logs (default: log/session under Floe's home).")
        Path dir;

        Path dir() {
            return dir != null ? dir : Path.of(System.getProperty("floe.home", "."), "log", "session");
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a JobManager and N TaskManagers; returns when the REST API answers and all TaskManagers registered.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--taskmanagers", defaultValue = "1", paramLabel = "N", description = "TaskManager JVMs (default ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", paramLabel = "S", description = "Task slots per TaskManager (default: taskmanager.numberOfTaskSlots of the config).")
        Integer slots;

        @Option(names = "--rest-port", paramLabel = "PORT", description = "Port of the REST API and web UI (default: rest.port of the config, 8081).")
        Integer restPort;

        @Option(names = "--ha", description = "High availability: a ZooKeeper server (Flink's own, unless -D high-availability.zookeeper.quorum=... names one), "
                + "a standby JobManager, and Flink's batch job recovery: a JobManager that dies is replaced by the standby, which finishes the running jobs "
                + "without running their finished tasks again.")
        boolean ha;

        @Option(names = "--standby-rest-port", paramLabel = "PORT", description = "With --ha: the standby JobManager's REST port (default: the REST port + 1).")
        Integer standbyRestPort;

        @Option(names = "--timeout", defaultValue = "180", paramLabel = "SECONDS", description = "How long to wait for the cluster (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink setting for this cluster, over config.yaml (repeatable).")
        Map<String, String> settings = new LinkedHashMap<>();

        @picocli.CommandLine.Mixin
        Where where;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            floe.run.SecretSettings.refuseOnCommandLine(settings);
            Map<String, String> all = new LinkedHashMap<>(settings);
            if (slots != null) {
                all.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
            }
            if (restPort != null) {
                all.put("rest.port", Integer.toString(restPort));
            }
            SessionCluster cluster = SessionCluster.in(where.dir(), ClusterHome.fromSystem(), all);
            if (standbyRestPort != null && !ha) {
                throw new floe.SpecException("--standby-rest-port: only with --ha");
            }
            if (ha) {
                cluster = cluster.highlyAvailable(standbyRestPort != null ? standbyRestPort : cluster.restAddress().getPort() + 1);
            }
            cluster.start(taskManagers, Duration.ofSeconds(timeoutSeconds));
            PrintWriter out = spec.commandLine().getOut();
            out.print(cluster.status().describe());
            if (ha) {
                // As Flink's clients do: with the cluster's configuration, the leader's REST address comes from ZooKeeper.
                out.println("submit with: FLINK_CONF_DIR=" + cluster.dir().resolve("conf") + " floe submit --rest " + cluster.restAddress()
                        + " FILE  (with FLINK_CONF_DIR the client follows the leading JobManager through ZooKeeper)");
            } else {
                out.println("submit with: floe submit --rest " + cluster.restAddress() + " FILE");
            }
            out.println("        or: FLINK_CONF_DIR=" + cluster.dir().resolve("conf") + " bin/flink run jobs/target/floe-jobs.jar ...");
            // This cluster runs on the libraries Floe uses: the Batch service need ship only Floe's own classes.
            out.println("the Batch service on it: floe batch serve --flink " + cluster.restAddress() + " -D floe.batch.flink-jars="
                    + java.nio.file.Path.of(System.getProperty("floe.home", "."), "jobs", "target", "floe-classes.jar").toAbsolutePath().normalize());
            out.flush();
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the session cluster's JVMs (TaskManagers, then the JobManagers, then its ZooKeeper).")
    static final class Stop implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SessionCluster cluster = SessionCluster.existing(where.dir(), ClusterHome.fromSystem());
            boolean stopped = cluster.stop();
            spec.commandLine().getOut().println(stopped ? "stopped the session cluster in " + cluster.dir()
                    : "no session cluster running in " + cluster.dir());
            return 0;
        }
    }

    /**
     * One JobManager of a highly available cluster at a time, as Flink's {@code jobmanager.sh
     * start|stop}: an operator stops the JobManagers for maintenance and starts them again, and the
     * one that leads recovers the cluster's jobs.
     */
    @Command(name = "jobmanager", mixinStandardHelpOptions = true,
            description = "Stop the JobManagers of a highly available cluster (--ha), leaving ZooKeeper and the TaskManagers, or start one again: "
                    + "the leader recovers the cluster's jobs.")
    static final class JobManager implements Callable<Integer> {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "start|stop", description = "start: start a JobManager that does not run "
                + "(the first, else the standby); stop: stop every JobManager (SIGTERM).")
        String action;

        @picocli.CommandLine.Mixin
        Where where;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SessionCluster cluster = SessionCluster.existing(where.dir(), ClusterHome.fromSystem());
            PrintWriter out = spec.commandLine().getOut();
            switch (action) {
                case "start" -> out.println("started a JobManager of the session cluster in " + cluster.dir() + " (pid "
                        + cluster.startJobManager().pid() + ")");
                case "stop" -> out.println(cluster.stopJobManagers() ? "stopped the JobManagers of the session cluster in " + cluster.dir()
                        : "no JobManager running in " + cluster.dir());
                default -> throw new floe.SpecException("floe cluster jobmanager " + action + ": start or stop");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the session cluster's JVMs and what its REST API reports; exit 1 if it does not run.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ClusterStatus status = SessionCluster.existing(where.dir(), ClusterHome.fromSystem()).status();
            spec.commandLine().getOut().print(status.describe());
            spec.commandLine().getOut().flush();
            return status.running() ? 0 : FloeCli.FAILED;
        }
    }
}

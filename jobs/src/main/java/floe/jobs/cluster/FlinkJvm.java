package floe.jobs.cluster;

import floe.FloeException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of a session cluster, started the way Flink's own scripts start it: memory flags and
 * the memory settings they imply from {@code BashJavaUtils}, then the entry point with {@code
 * --configDir}; output, log and pid file under the cluster's directory.
 */
final class FlinkJvm {
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    /** The ZooKeeper server holds a few dozen small nodes: Flink's scripts give it no memory settings at all. */
    private static final String ZOOKEEPER_HEAP = "-Xms64m -Xmx256m";

    enum Role {
        JOBMANAGER("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "GET_JM_RESOURCE_PARAMS",
                CoreOptions.FLINK_JM_JVM_OPTIONS),
        TASKMANAGER("org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "GET_TM_RESOURCE_PARAMS",
                CoreOptions.FLINK_TM_JVM_OPTIONS),
        /** Flink's own ZooKeeper server (as {@code bin/zookeeper.sh} runs it), for high availability. */
        ZOOKEEPER("org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer", null, null);

        final String mainClass;
        final String resourceCommand;
        final ConfigOption<String> jvmOptions;

        Role(String mainClass, String resourceCommand, ConfigOption<String> jvmOptions) {
            this.mainClass = mainClass;
            this.resourceCommand = resourceCommand;
            this.jvmOptions = jvmOptions;
        }
    }

    private FlinkJvm() {}

    /** Starts {@code name} ({@code jobmanager}, {@code taskmanager-2}) and writes its pid file. */
    static ProcessHandle start(ClusterHome home, Path dir, String name, Role role) {
        return start(home, dir, name, role, List.of());
    }

    /**
     * As {@link #start(ClusterHome, Path, String, Role)}, with {@code args} after the entry
     * point's own (for ZooKeeper: its configuration file and peer id).
     */
    static ProcessHandle start(ClusterHome home, Path dir, String name, Role role, List<String> args) {
        boolean zookeeper = role == Role.ZOOKEEPER;
        List<String> resources = zookeeper ? List.of(ZOOKEEPER_HEAP) : resourceParams(home, dir, role);
        Configuration conf = GlobalConfiguration.loadConfiguration(home.confDir().toString());

        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("@" + home.jvmArgs());
        cmd.addAll(words(resources.get(0)));
        cmd.addAll(words(conf.get(CoreOptions.FLINK_JVM_OPTIONS)));
        if (role.jvmOptions != null) {
            cmd.addAll(words(conf.get(role.jvmOptions)));
        }
        cmd.add("-Dlog.file=" + dir.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + home.confDir().resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(home.classpath());
        cmd.add(role.mainClass);
        if (!zookeeper) {
            cmd.add("--configDir");
            cmd.add(home.confDir().toString());
        }
        if (resources.size() > 1) {
            cmd.addAll(words(resources.get(1)));
        }
        cmd.addAll(args);
        try {
            File out = dir.resolve(name + ".out").toFile();
            ProcessBuilder builder = new ProcessBuilder(cmd);
            // As Flink's scripts do: programs run in the JobManager (jar runs) read the same configuration.
            builder.environment().put("FLINK_CONF_DIR", home.confDir().toString());
            Process process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(out))
                    .start();
            Files.writeString(pidFile(dir, name), Long.toString(process.pid()) + "\n");
            return process.toHandle();
        } catch (IOException e) {
            throw new FloeException("could not start the " + name + ": " + e.getMessage(), e);
        }
    }

    /** The running JVM {@code name} of this directory, if its pid file names one that still runs it. */
    static Optional<ProcessHandle> find(Path dir, String name, Role role) {
        Path pid = pidFile(dir, name);
        if (!Files.isRegularFile(pid)) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(Files.readString(pid).trim());
            // A pid is reused once its process is gone: only a process running this role is ours.
            return ProcessHandle.of(id).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(role.mainClass)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops {@code process} (SIGTERM, then SIGKILL after {@code grace}), and removes its pid file. */
    static void stop(Path dir, String name, ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            process.onExit().join();
        }
        try {
            Files.deleteIfExists(pidFile(dir, name));
        } catch (IOException ignored) {
            // a stale pid file is recognised as stale by find()
        }
    }

    static Path pidFile(Path dir, String name) {
        return dir.resolve(name + ".pid");
    }

    /**
     * The last lines of a JVM's output and log, for a message about why it stopped; first the
     * log's first ERROR lines, since a JVM that gives up may end its log with a thread dump.
     */
    static String tail(Path dir, String name, int lines) {
        StringBuilder s = new StringBuilder();
        try {
            List<String> errors = Files.readAllLines(dir.resolve(name + ".log"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(" ERROR ")).limit(5).toList();
            if (!errors.isEmpty()) {
                s.append("--- errors in ").append(dir.resolve(name + ".log")).append('\n');
                errors.forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException ignored) {
            // no log yet
        }
        for (String ext : List.of(".out", ".log")) {
            Path f = dir.resolve(name + ext);
            try {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (!all.isEmpty()) {
                    s.append("--- ").append(f).append('\n');
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> s.append(l).append('\n'));
                }
            } catch (IOException ignored) {
                // nothing written yet
            }
        }
        return s.toString();
    }

    /** The two result lines of BashJavaUtils: JVM memory flags, then the memory settings they imply. */
    private static List<String> resourceParams(ClusterHome home, Path dir, Role role) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", home.classpath(),
                "org.apache.flink.runtime.util.bash.BashJavaUtils", role.resourceCommand, "--configDir", home.confDir().toString()));
        try {
            Path out = Files.createTempFile(dir, "resources", ".out");
            try {
                int exit = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start().waitFor();
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                List<String> results = lines.stream().filter(l -> l.startsWith(RESULT_PREFIX))
                        .map(l -> l.substring(RESULT_PREFIX.length())).toList();
                if (exit != 0 || results.isEmpty()) {
                    throw new FloeException("could not work out the memory of the " + role.name().toLowerCase()
                            + " from " + home.confDir().resolve("config.yaml") + ":\n" + String.join("\n", lines));
                }
                return results;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new FloeException("could not run Flink's BashJavaUtils: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while starting the cluster", e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }
}

package floe.jobs;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of a fresh JVM running {@code floe} with this JVM's options and classpath, as
 * the benchmarks run each program; it never records a class-sharing archive.
 */
final class ChildJvm {
    private ChildJvm() {}

    static List<String> floe(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-XX:ArchiveClassesAtExit"))
                .forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("floe.jobs.cli.FloeCli");
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code cmd} with {@code env} added, its output to a scratch log, and returns its wall
     * time in seconds; a non-zero exit is an error carrying the log.
     */
    static double time(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        File log = File.createTempFile("floe-bench", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
            pb.environment().putAll(env);
            long start = System.nanoTime();
            int exit = pb.start().waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", cmd.subList(Math.max(0, cmd.size() - 8), cmd.size()))
                        + " exited " + exit + ":\n" + Files.readString(log.toPath()));
            }
            return seconds;
        } finally {
            log.delete();
        }
    }
}

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
        return floe(System.getProperty("java.class.path"), null, args);
    }

    /**
     * The same JVM running the {@code floe} of another build, whose home is {@code home}, with that
     * build's class-sharing archive (an AOT cache from JDK 25 on) when {@code bin/floe} recorded one
     * for its current jar and this JDK.
     */
    static List<String> floeOf(java.nio.file.Path home, List<String> args) {
        File target = home.resolve("jobs/target").toFile();
        File jar = new File(target, "floe-jobs.jar");
        String version = System.getProperty("java.version");
        boolean aot = Runtime.version().feature() >= 25;
        File archive = new File(target, aot ? "floe-aot-" + version + ".aot" : "floe-cds-" + version + ".jsa");
        String option = aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
        String sharing = archive.isFile() && archive.lastModified() > jar.lastModified() ? option + archive : "";
        return floe(jar + File.pathSeparator + new File(target, "flink-lib") + File.separator + "*", sharing, args);
    }

    /** {@code sharing}: the class-sharing option of the child; null keeps this JVM's. */
    private static List<String> floe(String classPath, String sharing, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-XX:ArchiveClassesAtExit") && !a.startsWith("-XX:AOTMode") && !a.startsWith("-XX:AOTConfiguration"))
                .filter(a -> sharing == null || !(a.startsWith("-XX:SharedArchiveFile") || a.startsWith("-XX:AOTCache")))
                .forEach(cmd::add);
        if (sharing != null && !sharing.isEmpty()) {
            cmd.add(sharing);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("floe.jobs.cli.FloeCli");
        cmd.addAll(args);
        return cmd;
    }

    /**
     * {@code bin/floe} with {@code args}, as a user types it: with the warm local Flink up, the
     * script hands the command to it and starts no JVM. Run it with {@link #scriptEnv()}.
     */
    static List<String> script(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("floe.home", "."), "bin", "floe").toString());
        cmd.addAll(args);
        return cmd;
    }

    /** The environment that makes {@link #script} use this JVM's log directory, where the warm Flink's is. */
    static Map<String, String> scriptEnv() {
        String logDir = System.getProperty("floe.log.dir");
        return logDir == null ? Map.of() : Map.of("FLOE_LOG_DIR", logDir);
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

package floe.jobs;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

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
}

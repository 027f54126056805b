package floe.jobs.cli;

import floe.jobs.Bench;
import floe.jobs.Layout;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code floe bench}: the reference case's figures beside two framework-free programs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the reference case (Floe end to end) against a hand-written thread-pool tree merge and a"
                + " one-pass merge, on the same inputs, each in a fresh JVM; print wall time, records/s, peak memory, ratios.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "S,M", description = "Sizes to run: S, M, L (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--dir", defaultValue = "target/floe-bench", description = "Working directory (default ${DEFAULT-VALUE}).")
    String dir;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs per program; the median is reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--against", paramLabel = "FLOE_HOME",
            description = "Also run the tree merge of another build of Floe (a checkout after mvn package), round by round"
                    + " with this build's, and print the ratio of their medians: a before/after comparison in one run.")
    java.nio.file.Path against;

    @Option(names = "--warm", description = "Also run Floe on the warm local Flink of 'floe up' (started for the benchmark if it is not up, stopped after).")
    boolean warm;

    @Option(names = "--overhead", description = "Measure per-task overhead instead: command tasks (true) beside xargs, alternated --repeat times, and Java no-op tasks.")
    boolean overhead;

    @Option(names = "--command-tasks", defaultValue = "10000", description = "Command tasks for --overhead (default ${DEFAULT-VALUE}).")
    int commandTasks;

    @Option(names = "--java-tasks", defaultValue = "100000", description = "Java no-op tasks for --overhead (default ${DEFAULT-VALUE}).")
    int javaTasks;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("machine: %d cores, %s %s, %s, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"),
                Runtime.getRuntime().maxMemory() >> 20);
        if (overhead) {
            new floe.jobs.Overhead(out).run(commandTasks, javaTasks, repeat);
            return 0;
        }
        if (against != null && !java.nio.file.Files.isRegularFile(against.resolve("jobs/target/floe-jobs.jar"))) {
            throw new floe.SpecException("--against " + against + ": no jobs/target/floe-jobs.jar there (run mvn package in it first)");
        }
        Bench bench = new Bench(Layout.dir(dir), repeat, out, against == null ? null : against.toAbsolutePath(), warm);
        floe.jobs.cluster.WarmFlink warmFlink = floe.jobs.cluster.WarmFlink.ofSystem();
        boolean startedHere = warm && warmFlink.running().isEmpty();
        if (warm) {
            out.println("warm local Flink: " + warmFlink.start(java.time.Duration.ofSeconds(300)).rest());
            out.flush();
        }
        try {
            if (warm) {
                bench.oneTask();
            }
            for (String size : sizes) {
                bench.run(size);
            }
        } finally {
            if (startedHere) {
                warmFlink.stop();
            }
        }
        return 0;
    }
}

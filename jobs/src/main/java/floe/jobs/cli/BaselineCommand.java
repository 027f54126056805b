package floe.jobs.cli;

import floe.jobs.Baselines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code floe baseline}: the benchmark's framework-free yardsticks, each in its own JVM. */
@Command(name = "baseline", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a framework-free merge of the inputs: hand-tree (thread pool, same tree) or one-pass (one thread).")
final class BaselineCommand implements Callable<Integer> {
    @Option(names = "--kind", required = true, description = "hand-tree or one-pass.")
    String kind;

    @Option(names = "--input", required = true)
    String input;

    @Option(names = "--work", required = true)
    String work;

    @Option(names = "--output", required = true)
    String output;

    @Option(names = "--widths", split = ",")
    List<Integer> widths;

    @Option(names = "--codec", defaultValue = "snappy")
    String codec;

    @Option(names = "--tasks", defaultValue = "100000")
    int tasks;

    @Override
    public Integer call() throws Exception {
        Baselines.run(kind, input, work, output, widths, codec, Runtime.getRuntime().availableProcessors(), tasks);
        return 0;
    }
}

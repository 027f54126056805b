package floe.jobs;

import floe.SpecException;

import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.List;

/** Entry to the benchmark's framework-free programs. */
public final class Baselines {
    private Baselines() {}

    public static void run(String kind, String input, String work, String output, List<Integer> widths, String codec,
            int threads, int tasks) throws IOException {
        if (kind.equals("noop-java")) {
            floe.run.RunResult r = Overhead.javaNoops(tasks);
            double seconds = r.wallTime().toNanos() / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.out.printf("%,d Java no-op tasks: job %.2f s, %,.0f tasks/s, %.1f us a task; heap in use at the end %d MiB%n",
                    tasks, seconds, tasks / seconds, seconds * 1e6 / tasks, (rt.totalMemory() - rt.freeMemory()) >> 20);
            return;
        }
        List<Path> inputs = TreeMerge.listInputs(Layout.dir(input));
        Path out = Layout.dir(output);
        switch (kind) {
            case "hand-tree" -> {
                TreeMergeSpec spec = new TreeMergeSpec(input, work, output, 2, widths, codec, 1, true);
                HandTreeMerge.run(inputs, Layout.dir(work), out, spec.levelWidths(inputs.size()), codec, threads);
            }
            case "one-pass" -> OnePassMerge.run(inputs, out, codec);
            default -> throw new SpecException("--kind " + kind + ": use hand-tree, one-pass or noop-java");
        }
    }
}

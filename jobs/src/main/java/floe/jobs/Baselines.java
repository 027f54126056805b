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
            Overhead.javaNoops(tasks);
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

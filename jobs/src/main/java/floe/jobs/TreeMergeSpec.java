package floe.jobs;

import floe.SpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code floe tree-merge} was asked: where the inputs, levels and result go, the shape of
 * the tree, and how files are written.
 */
public record TreeMergeSpec(
        String input,
        String work,
        String output,
        int fanIn,
        List<Integer> widths,
        String codec,
        int attempts,
        boolean overwrite) {

    public TreeMergeSpec {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(output, "output");
        widths = widths == null ? List.of() : List.copyOf(widths);
        if (fanIn < 2) {
            throw new SpecException("--fan-in must be at least 2, got " + fanIn);
        }
        if (attempts < 1) {
            throw new SpecException("--attempts must be at least 1, got " + attempts);
        }
    }

    /**
     * The tasks of each level for {@code files} inputs. Given widths must form a tree: level
     * {@code L} of {@code w} tasks over {@code n} files merges {@code ceil(n / w)} files a task, and
     * the last level is one task. Without widths: two levels of {@code fanIn}-way merges, then one
     * merge of the rest, as in the reference case (128 files: 64, 32, 1).
     */
    public List<Integer> levelWidths(int files) {
        if (widths.isEmpty()) {
            List<Integer> derived = new ArrayList<>();
            int n = files;
            for (int level = 0; level < 2 && n > 1; level++) {
                n = (n + fanIn - 1) / fanIn;
                derived.add(n);
            }
            if (n > 1 || derived.isEmpty()) {
                derived.add(1);
            }
            return derived;
        }
        int n = files;
        for (int i = 0; i < widths.size(); i++) {
            int w = widths.get(i);
            if (w < 1 || w > n) {
                throw new SpecException(String.format("--widths %s: level %d has %d tasks for %d files (must be 1..%d)",
                        text(), i + 1, w, n, n));
            }
            int perTask = (n + w - 1) / w;
            if ((n + perTask - 1) / perTask != w) {
                throw new SpecException(String.format("--widths %s: level %d cannot split %d files over %d tasks evenly"
                        + " (%d files a task makes %d tasks)", text(), i + 1, n, w, perTask, (n + perTask - 1) / perTask));
            }
            n = w;
        }
        if (n != 1) {
            throw new SpecException("--widths " + text() + ": the last level must be 1 task (the result), got " + n);
        }
        return widths;
    }

    private String text() {
        return String.join(",", widths.stream().map(String::valueOf).toList());
    }
}

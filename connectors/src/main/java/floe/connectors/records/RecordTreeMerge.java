package floe.connectors.records;

import floe.SpecException;
import floe.connectors.avro.Codecs;
import floe.model.RetryPolicy;
import floe.model.Workflow;

import org.apache.flink.core.fs.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tree merge of sorted Avro files of any {@link KeyedRecords} type as a workflow: level 1 merges
 * the inputs a few at a time, each further level merges the level before ({@code pointwise}, so a
 * task starts as soon as its own inputs are written), and the last level, one task, writes
 * {@code result.avro} and then the {@code _SUCCESS} manifest ({@link RecordManifest}). The result
 * is the same whatever the widths, and the same as one merge of all the inputs.
 *
 * <pre>{@code
 * Workflow wf = RecordTreeMerge.of(usage, inputs)
 *         .work(new Path("file:///data/work"))
 *         .output(new Path("file:///data/out"))
 *         .widths(4, 2, 1)
 *         .build("usage-merge");
 * }</pre>
 */
public final class RecordTreeMerge<R> {
    /** The result's file name in the output directory. */
    public static final String RESULT = "result.avro";

    private final KeyedRecords<R> type;
    private final List<Path> inputs;
    private Path work;
    private Path output;
    private List<Integer> widths;
    private String codec = "snappy";
    private RetryPolicy retry = RetryPolicy.attempts(3);
    private String after;

    private RecordTreeMerge(KeyedRecords<R> type, List<Path> inputs) {
        this.type = Objects.requireNonNull(type, "type");
        this.inputs = List.copyOf(inputs);
        if (this.inputs.isEmpty()) {
            throw new SpecException("tree merge of " + type + ": no input files");
        }
    }

    /** A tree merge of {@code inputs}, in the order given (each sorted by the type's key). */
    public static <R> RecordTreeMerge<R> of(KeyedRecords<R> type, List<Path> inputs) {
        return new RecordTreeMerge<>(type, inputs);
    }

    /** Where the levels between the inputs and the result go: {@code level-1/part-00000.avro}, ... */
    public RecordTreeMerge<R> work(Path dir) {
        this.work = Objects.requireNonNull(dir, "work");
        return this;
    }

    /** Where {@code result.avro} and {@code _SUCCESS} go. */
    public RecordTreeMerge<R> output(Path dir) {
        this.output = Objects.requireNonNull(dir, "output");
        return this;
    }

    /**
     * The tasks of each level, the last one 1; each level's width must divide the one before
     * (level 1's divides nothing: its tasks take the inputs in even blocks). Default: two levels
     * that halve, then the result (128 inputs: 64, 32, 1).
     */
    public RecordTreeMerge<R> widths(int... widths) {
        List<Integer> w = new ArrayList<>();
        for (int x : widths) {
            w.add(x);
        }
        this.widths = List.copyOf(w);
        return this;
    }

    /** The Avro codec of every file written ({@code null}, {@code deflate}, {@code snappy}, {@code zstandard}). */
    public RecordTreeMerge<R> codec(String name) {
        Codecs.named(name);
        this.codec = name;
        return this;
    }

    /**
     * Level 1 waits for stage {@code stage} of the same workflow, whose task {@code i} writes input
     * {@code i} (its tasks and the inputs are as many): each level-1 task starts as soon as its own
     * inputs are written.
     */
    public RecordTreeMerge<R> after(String stage) {
        this.after = Objects.requireNonNull(stage, "stage");
        return this;
    }

    public RecordTreeMerge<R> retry(RetryPolicy retry) {
        this.retry = Objects.requireNonNull(retry, "retry");
        return this;
    }

    /** The workflow of the merge alone, checked: the widths form a tree over the inputs. */
    public Workflow build(String name) {
        if (after != null) {
            throw new SpecException("tree merge '" + name + "': it runs after stage '" + after + "': add it to that workflow with into(...)");
        }
        return into(Workflow.named(name)).build();
    }

    /**
     * Adds the merge's stages ({@code merge-l1}, {@code merge-l2}, ..., {@code merge-result}) to
     * {@code wf}, checked: the widths form a tree over the inputs.
     */
    public Workflow.Builder into(Workflow.Builder wf) {
        String name = "tree merge of " + type;
        if (work == null || output == null) {
            throw new SpecException(name + ": work(...) and output(...) are required");
        }
        List<Integer> levels = widths != null ? widths : defaultWidths(inputs.size());
        check(name, levels);
        List<String> previous = inputs.stream().map(Path::toString).toList();
        String previousStage = after;
        for (int level = 1; level <= levels.size(); level++) {
            int width = levels.get(level - 1);
            boolean last = level == levels.size();
            int fanIn = (previous.size() + width - 1) / width;
            Path dir = last ? output : new Path(work, "level-" + level);
            RecordMergeTask<R> task = new RecordMergeTask<>(type, previous, fanIn, dir.toString(), level == 1, last, codec);
            String stage = last ? "merge-result" : "merge-l" + level;
            String upstream = previousStage;
            wf.stage(stage, s -> {
                s.withSequence(width).retry(retry).run(task);
                return upstream == null ? s : s.pointwise(upstream, fanIn);
            });
            List<String> files = new ArrayList<>(width);
            for (int j = 0; j < width; j++) {
                files.add(RecordMergeTask.part(dir, j).toString());
            }
            previous = files;
            previousStage = stage;
        }
        return wf;
    }

    private static List<Integer> defaultWidths(int files) {
        List<Integer> w = new ArrayList<>();
        int n = files;
        for (int i = 0; i < 2 && n > 2; i++) {
            n = (n + 1) / 2;
            w.add(n);
        }
        w.add(1);
        return w;
    }

    private void check(String name, List<Integer> levels) {
        String text = levels.toString();
        if (levels.isEmpty() || levels.get(levels.size() - 1) != 1) {
            throw new SpecException(name + ": widths " + text + ": the last level must be 1 task (the result)");
        }
        int n = inputs.size();
        for (int i = 0; i < levels.size(); i++) {
            int w = levels.get(i);
            if (w < 1 || w > n) {
                throw new SpecException(String.format("%s: widths %s: level %d has %d tasks for %d files (must be 1..%d)",
                        name, text, i + 1, w, n, n));
            }
            if (i > 0 && n % w != 0) {
                throw new SpecException(String.format("%s: widths %s: level %d cannot split %d files over %d tasks evenly",
                        name, text, i + 1, n, w));
            }
            n = w;
        }
    }
}

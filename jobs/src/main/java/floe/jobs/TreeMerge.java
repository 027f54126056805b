package floe.jobs;

import floe.DataException;
import floe.SpecException;
import floe.connectors.avro.Codecs;
import floe.connectors.avro.UnreadableInputException;
import floe.connectors.commit.AtomicFile;
import floe.connectors.merge.Manifest;
import floe.connectors.oss.OssErrors;
import floe.connectors.oss.OssSettings;
import floe.FloeException;
import floe.TaskFailedException;
import floe.model.RetryPolicy;
import floe.model.Workflow;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The reference tree merge as a workflow on Floe's Java API: level 1 merges the input files
 * {@code fanIn} at a time, each further level merges the level before, the last level writes
 * {@code result.avro} and {@code _SUCCESS}.
 *
 * <pre>{@code
 * Workflow wf = TreeMerge.prepare(spec);   // checks the locations, lists the inputs
 * }</pre>
 */
public final class TreeMerge {
    static final String INPUT_GLOB = "part-*.avro";

    private TreeMerge() {}

    /**
     * Checks what can be checked before anything runs (the inputs are there, the output is empty
     * or {@code --overwrite} was given, the locations are writable) and returns the workflow. The
     * inputs' contents are the tasks' to check as they open them (a bad one fails the run with the
     * same message, see {@link #reported}): reading every header here first would cost a round
     * trip or three per input on an object store before anything runs. With {@code --overwrite},
     * the old {@code _SUCCESS} goes first, so a failed rerun never leaves an old manifest beside a
     * new result.
     */
    public static Workflow prepare(TreeMergeSpec spec) throws IOException {
        Codecs.named(spec.codec());
        List<FileStatus> inputs;
        try {
            inputs = listInputFiles(Layout.dir(spec.input()));
        } catch (RuntimeException e) {
            throw OssErrors.at("--input " + Layout.dir(spec.input()), e);
        }
        Path output = Layout.dir(spec.output());
        Path work = Layout.dir(spec.work());
        List<Integer> widths = spec.levelWidths(inputs.size());
        try {
            checkOutput(output, spec.overwrite());
        } catch (RuntimeException e) {
            throw OssErrors.at("--output " + output, e);
        }
        checkWritable("--work", work);
        checkWritable("--output", output);
        return workflow(spec, inputs, work, output, widths);
    }

    /**
     * The error to report for a failed run of {@code workflow}: an input of the first level that
     * cannot be read as a Metric file (missing, not Avro, another schema) as the message of that
     * file alone, bad input as when the client checked every header itself; any other as it is.
     */
    public static RuntimeException reported(RuntimeException failure, Workflow workflow) {
        if (failure instanceof TaskFailedException task && task.stage().equals(workflow.stages().get(0).name())) {
            for (Throwable c = task.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c instanceof UnreadableInputException bad) {
                    removeIfEmpty(new Path(workflow.parameters().get("output")));
                    return new UnreadableInputException(bad.getMessage(), failure);
                }
            }
        }
        return failure;
    }

    /** The output directory the checks made, gone again when a bad input stopped the run before anything was written there. */
    private static void removeIfEmpty(Path dir) {
        try {
            FileSystem fs = dir.getFileSystem();
            FileStatus[] entries = fs.listStatus(dir);
            if (entries != null && entries.length == 0) {
                fs.delete(dir, false);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the message about the input is what matters
        }
    }

    static Workflow workflow(TreeMergeSpec spec, List<FileStatus> listed, Path work, Path output, List<Integer> widths) {
        List<Path> inputs = listed.stream().map(FileStatus::getPath).toList();
        // On an object store the listed lengths spare each level-1 task a HEAD per input; elsewhere a
        // file's length costs nothing to ask, and the plan (which every stage's operator carries) stays small.
        long[] listedLengths = OssSettings.isObjectStore(inputs.get(0).toUri())
                ? listed.stream().mapToLong(FileStatus::getLen).toArray() : null;
        RetryPolicy retry = RetryPolicy.attempts(spec.attempts())
                .withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));
        Workflow.Builder wf = Workflow.named("tree-merge")
                .parameter("input", inputs.get(0).getParent().toString())
                .parameter("output", output.toString());
        // A level is a directory and a count (its files are part-00000.avro on): the plan holds no list of files.
        String previousDir = inputs.get(0).getParent().toString();
        int previousCount = inputs.size();
        String previousStage = null;
        for (int level = 1; level <= widths.size(); level++) {
            int width = widths.get(level - 1);
            boolean last = level == widths.size();
            int fanIn = (previousCount + width - 1) / width;
            Path dir = last ? output : Layout.level(work, level);
            MergeTask task = new MergeTask(previousDir, previousCount, level == 1 ? listedLengths : null, fanIn, dir.toString(), last, spec.codec());
            String stage = last ? "merge-result" : "merge-l" + level;
            String upstream = previousStage;
            wf.stage(stage, s -> {
                s.withSequence(width).retry(retry).run(task);
                return upstream == null ? s : s.pointwise(upstream, fanIn);
            });
            previousDir = dir.toString();
            previousCount = width;
            previousStage = stage;
        }
        return wf.build();
    }

    /** The input files, {@code part-*.avro} in name order. */
    static List<Path> listInputs(Path dir) throws IOException {
        return listInputFiles(dir).stream().map(FileStatus::getPath).toList();
    }

    /** The input files with their lengths as the listing gave them, {@code part-*.avro} in name order. */
    static List<FileStatus> listInputFiles(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        FileStatus[] listed;
        try {
            // no separate existence check: a missing directory lists as nothing or as not found
            listed = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            listed = null;
        } catch (IOException e) {
            throw new SpecException("--input " + dir + ": cannot be listed: " + e.getMessage());
        }
        if (listed == null || (listed.length == 0 && !fs.exists(dir))) {
            throw new SpecException("--input " + dir + ": no such directory");
        }
        List<FileStatus> files = Arrays.stream(listed)
                .filter(s -> !s.isDir())
                .filter(s -> s.getPath().getName().startsWith("part-") && s.getPath().getName().endsWith(".avro"))
                .sorted(Comparator.comparing(s -> s.getPath().getName()))
                .toList();
        if (files.isEmpty()) {
            throw new SpecException("--input " + dir + ": no " + INPUT_GLOB + " files (generate some with: floe generate --out DIR)");
        }
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).getPath().getName().equals(Layout.partName(i))) {
                throw new SpecException(String.format("--input %s: %s is missing (found %d files, %s .. %s; parts are numbered from %s on, without gaps)",
                        dir, Layout.partName(i), files.size(), files.get(0).getPath().getName(), files.get(files.size() - 1).getPath().getName(),
                        Layout.partName(0)));
            }
        }
        return files;
    }

    private static void checkOutput(Path output, boolean overwrite) throws IOException {
        FileSystem fs = output.getFileSystem();
        if (!fs.exists(output)) {
            return;
        }
        if (!fs.getFileStatus(output).isDir()) {
            throw new SpecException("--output " + output + ": is a file, not a directory");
        }
        FileStatus[] entries = fs.listStatus(output);
        List<String> names = entries == null ? List.of()
                : Arrays.stream(entries).map(s -> s.getPath().getName()).sorted().toList();
        if (names.isEmpty()) {
            return;
        }
        if (!overwrite) {
            throw new SpecException("--output " + output + ": not empty (holds " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                    + (names.size() > 5 ? ", ..." : "") + "); choose an empty location or pass --overwrite");
        }
        fs.delete(new Path(output, Manifest.NAME), false);
        fs.delete(new Path(output, Layout.RESULT), false);
        for (String name : names) {
            if (AtomicFile.isInProgress(name)) {
                fs.delete(new Path(output, name), false);
            }
        }
    }

    private static void checkWritable(String option, Path dir) {
        try {
            FileSystem fs = dir.getFileSystem();
            if (!fs.mkdirs(dir)) {
                throw new IOException("could not create the directory");
            }
            try (AtomicFile probe = AtomicFile.create(new Path(dir, ".floe-write-probe"))) {
                probe.stream().write(0);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException) {
                throw (DataException) e;
            }
            if (e instanceof RuntimeException r && OssErrors.find(r).isPresent()) {
                throw OssErrors.at(option + " " + dir, r);
            }
            if (e instanceof FloeException f) {
                throw new SpecException(option + " " + dir + ": not writable: " + f.getMessage());
            }
            String why = e.getMessage() != null && e.getMessage().contains("could not create")
                    ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new SpecException(option + " " + dir + ": not writable: " + why);
        }
    }
}

package floe.jobs;

import floe.DataException;
import floe.SpecException;
import floe.connectors.avro.Codecs;
import floe.connectors.avro.MetricReader;
import floe.connectors.commit.AtomicFile;
import floe.connectors.merge.Manifest;
import floe.connectors.oss.OssErrors;
import floe.FloeException;
import floe.model.RetryPolicy;
import floe.model.Workflow;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    /** Inputs whose headers are checked at once before a run. */
    private static final int HEADER_READERS = 16;

    private TreeMerge() {}

    /**
     * Checks what can be checked before anything runs (inputs exist and are Metric files, the
     * output is empty or {@code --overwrite} was given, the locations are writable) and returns
     * the workflow. With {@code --overwrite}, the old {@code _SUCCESS} goes first, so a failed
     * rerun never leaves an old manifest beside a new result.
     */
    public static Workflow prepare(TreeMergeSpec spec) throws IOException {
        Codecs.named(spec.codec());
        List<Path> inputs;
        try {
            inputs = listInputs(Layout.dir(spec.input()));
        } catch (RuntimeException e) {
            throw OssErrors.at("--input " + Layout.dir(spec.input()), e);
        }
        checkHeaders(inputs);
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
     * Opens every input and checks its header, several at a time: on OSS each file costs round
     * trips (two HEADs and a ranged GET), which one after another add up to seconds. The first
     * bad input in name order is the one reported, as if they had been read in order.
     */
    static void checkHeaders(List<Path> inputs) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(HEADER_READERS, inputs.size()), r -> {
            Thread t = new Thread(r, "floe-input-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> checks = new ArrayList<>(inputs.size());
            for (Path in : inputs) {
                checks.add(pool.submit(() -> {
                    try (MetricReader ignored = MetricReader.open(in)) {
                        // the header is read and checked on open
                    }
                }));
            }
            for (Future<?> check : checks) {
                try {
                    check.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new FloeException("checking the inputs failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FloeException("interrupted while checking the inputs", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Workflow workflow(TreeMergeSpec spec, List<Path> inputs, Path work, Path output, List<Integer> widths) {
        RetryPolicy retry = RetryPolicy.attempts(spec.attempts())
                .withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));
        Workflow.Builder wf = Workflow.named("tree-merge")
                .parameter("input", inputs.get(0).getParent().toString())
                .parameter("output", output.toString());
        List<String> previous = inputs.stream().map(Path::toString).toList();
        String previousStage = null;
        for (int level = 1; level <= widths.size(); level++) {
            int width = widths.get(level - 1);
            boolean last = level == widths.size();
            int fanIn = (previous.size() + width - 1) / width;
            Path dir = last ? output : Layout.level(work, level);
            MergeTask task = new MergeTask(previous, fanIn, dir.toString(), last, spec.codec());
            String stage = last ? "merge-result" : "merge-l" + level;
            String upstream = previousStage;
            wf.stage(stage, s -> {
                s.withSequence(width).retry(retry).run(task);
                return upstream == null ? s : s.pointwise(upstream, fanIn);
            });
            List<String> files = new ArrayList<>(width);
            for (int j = 0; j < width; j++) {
                files.add(Layout.part(dir, j).toString());
            }
            previous = files;
            previousStage = stage;
        }
        return wf.build();
    }

    /** The input files, {@code part-*.avro} in name order. */
    static List<Path> listInputs(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        FileStatus[] listed;
        try {
            listed = fs.exists(dir) ? fs.listStatus(dir) : null;
        } catch (IOException e) {
            throw new SpecException("--input " + dir + ": cannot be listed: " + e.getMessage());
        }
        if (listed == null) {
            throw new SpecException("--input " + dir + ": no such directory");
        }
        List<Path> files = Arrays.stream(listed)
                .filter(s -> !s.isDir())
                .map(FileStatus::getPath)
                .filter(p -> p.getName().startsWith("part-") && p.getName().endsWith(".avro"))
                .sorted(Comparator.comparing(Path::getName))
                .toList();
        if (files.isEmpty()) {
            throw new SpecException("--input " + dir + ": no " + INPUT_GLOB + " files (generate some with: floe generate --out DIR)");
        }
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).getName().equals(Layout.partName(i))) {
                throw new SpecException(String.format("--input %s: %s is missing (found %d files, %s .. %s; parts are numbered from %s on, without gaps)",
                        dir, Layout.partName(i), files.size(), files.get(0).getName(), files.get(files.size() - 1).getName(), Layout.partName(0)));
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

package floe.jobs;

import floe.connectors.avro.Codecs;
import floe.connectors.merge.Manifest;
import floe.connectors.merge.ManifestBuilder;
import floe.connectors.merge.MergeFiles;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskFunction;

import org.apache.flink.core.fs.Path;

import java.util.ArrayList;
import java.util.List;

/**
 * One task of the tree merge: task {@code j} of a level merges files {@code k·j .. k·j+k-1} of the
 * level before into {@code part-j}; the last level writes {@code result.avro}, then {@code _SUCCESS}.
 * It reports how many source (level-0) records its output stands for, so the manifest can count
 * them without reading the inputs again, and how long the file it wrote is, so the task that
 * reads it need not ask (on an object store, a round trip each).
 */
final class MergeTask implements TaskFunction {
    private static final long serialVersionUID = 1L;
    static final String SOURCE_RECORDS = "source-records";
    static final String BYTES = "bytes";

    private final String inputDir;
    private final int inputCount;
    private final long[] lengths;
    private final int fanIn;
    private final String outputDir;
    private final boolean last;
    private final String codec;

    /**
     * @param inputDir where the level before lies: its files are {@code part-00000.avro} on, without gaps
     * @param inputCount how many files the level before has
     * @param lengths their lengths as listed, or null (the level before is written by tasks, which report them)
     * @param outputDir where this level's files (or, for the last level, the result) go
     */
    MergeTask(String inputDir, int inputCount, long[] lengths, int fanIn, String outputDir, boolean last, String codec) {
        this.inputDir = inputDir;
        this.inputCount = inputCount;
        this.lengths = lengths;
        this.fanIn = fanIn;
        this.outputDir = outputDir;
        this.last = last;
        this.codec = codec;
    }

    @Override
    public void run(TaskContext ctx) throws Exception {
        int from = fanIn * ctx.index();
        int to = Math.min(from + fanIn, inputCount);
        Path inputs = new Path(inputDir);
        List<Path> mine = new ArrayList<>(to - from);
        long[] known = new long[to - from];
        java.util.Arrays.fill(known, -1);
        for (int i = from; i < to; i++) {
            mine.add(Layout.part(inputs, i));
            if (lengths != null) {
                known[i - from] = lengths[i];
            }
        }
        for (TaskCompletion c : ctx.inputs()) {
            String bytes = c.outputs().get(BYTES);
            if (bytes != null && c.index() >= from && c.index() < to) {
                known[c.index() - from] = Long.parseLong(bytes);
            }
        }
        Path dir = new Path(outputDir);
        Path out = last ? new Path(dir, Layout.RESULT) : Layout.part(dir, ctx.index());
        ManifestBuilder manifest = last ? new ManifestBuilder() : null;
        MergeFiles.Outcome outcome = MergeFiles.merge(mine, known, out, Codecs.named(codec), manifest);
        long sourceRecords = ctx.inputs().isEmpty() ? outcome.recordsIn() : sourceRecords(ctx.inputs());
        ctx.output(SOURCE_RECORDS, Long.toString(sourceRecords));
        ctx.output("records", Long.toString(outcome.recordsOut()));
        ctx.output(BYTES, Long.toString(outcome.bytesOut()));
        ctx.wrote(out.toString());
        if (last) {
            Path success = new Path(dir, Manifest.NAME);
            manifest.build(sourceRecords).writeTo(success);
            ctx.wrote(success.toString());
        }
    }

    private static long sourceRecords(List<TaskCompletion> upstream) {
        long total = 0;
        for (TaskCompletion c : upstream) {
            total += Long.parseLong(c.outputs().get(SOURCE_RECORDS));
        }
        return total;
    }
}

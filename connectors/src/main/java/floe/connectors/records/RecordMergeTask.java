package floe.connectors.records;

import floe.connectors.avro.Codecs;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskFunction;

import org.apache.flink.core.fs.Path;

import java.util.ArrayList;
import java.util.List;

/**
 * One task of a {@link RecordTreeMerge}: task {@code j} merges files {@code k·j .. k·j+k-1} of the
 * level before into {@code part-j}; the last level writes {@code result.avro}, then {@code _SUCCESS},
 * counting the source records from what its upstream merges reported (level 1 counts what it read).
 */
final class RecordMergeTask<R> implements TaskFunction {
    private static final long serialVersionUID = 1L;
    static final String SOURCE_RECORDS = "source-records";

    private final KeyedRecords<R> type;
    private final List<String> inputs;
    private final int fanIn;
    private final String outputDir;
    private final boolean first;
    private final boolean last;
    private final String codec;

    RecordMergeTask(KeyedRecords<R> type, List<String> inputs, int fanIn, String outputDir, boolean first, boolean last,
            String codec) {
        this.type = type;
        this.inputs = List.copyOf(inputs);
        this.fanIn = fanIn;
        this.outputDir = outputDir;
        this.first = first;
        this.last = last;
        this.codec = codec;
    }

    static Path part(Path dir, int index) {
        return new Path(dir, String.format("part-%05d.avro", index));
    }

    @Override
    public void run(TaskContext ctx) throws Exception {
        int from = fanIn * ctx.index();
        int to = Math.min(from + fanIn, inputs.size());
        List<Path> mine = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            mine.add(new Path(inputs.get(i)));
        }
        Path dir = new Path(outputDir);
        Path out = last ? new Path(dir, RecordTreeMerge.RESULT) : part(dir, ctx.index());
        RecordManifestBuilder<R> manifest = last ? new RecordManifestBuilder<>(type) : null;
        RecordMerge.Outcome outcome = RecordMerge.files(type, mine, out, Codecs.named(codec), manifest);
        long sourceRecords = first ? outcome.recordsIn() : sourceRecords(ctx.inputs());
        ctx.output(SOURCE_RECORDS, Long.toString(sourceRecords));
        ctx.output("records", Long.toString(outcome.recordsOut()));
        ctx.wrote(out.toString());
        if (last) {
            Path success = new Path(dir, RecordManifest.NAME);
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

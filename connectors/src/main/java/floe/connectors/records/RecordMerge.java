package floe.connectors.records;

import floe.connectors.commit.AtomicFile;

import org.apache.avro.file.CodecFactory;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The k-way merge by key with combine for any {@link KeyedRecords} type: records of the inputs
 * come out in key order, and records with equal keys become one through the type's
 * {@link Combiner}. Memory is one record per input plus the one being combined, whatever the
 * file sizes. (Metric files have their own merge, {@code floe.connectors.merge.SortedMerge}, which
 * compares keys as longs and allocates nothing per record.)
 *
 * <pre>{@code
 * RecordMerge.Outcome out = RecordMerge.files(usage, inputs, new Path("file:///w/level-1/part-00000.avro"),
 *         Codecs.named("snappy"), null);
 * }</pre>
 */
public final class RecordMerge<R> {
    private final KeyedRecords<R> type;
    private final List<RecordReader<R>> inputs;
    private long recordsIn;

    private RecordMerge(KeyedRecords<R> type, List<RecordReader<R>> inputs) {
        this.type = type;
        this.inputs = List.copyOf(inputs);
    }

    /** A merge of {@code inputs}, each sorted by key; the caller still owns (and closes) them. */
    public static <R> RecordMerge<R> of(KeyedRecords<R> type, List<RecordReader<R>> inputs) {
        return new RecordMerge<>(type, inputs);
    }

    /** What a merge of files read and wrote. */
    public record Outcome(long recordsIn, long recordsOut) {}

    /**
     * Merges the files {@code inputs} into {@code output}, committed atomically ({@link AtomicFile}):
     * nothing appears at {@code output} unless the merge succeeds. When {@code manifest} is given,
     * every record written is added to it.
     */
    public static <R> Outcome files(KeyedRecords<R> type, List<Path> inputs, Path output, CodecFactory codec,
            RecordManifestBuilder<R> manifest) throws IOException {
        List<RecordReader<R>> readers = new ArrayList<>(inputs.size());
        try (RecordWriter<R> writer = RecordWriter.create(type, output, codec)) {
            for (Path in : inputs) {
                readers.add(RecordReader.open(type, in));
            }
            RecordMerge<R> merge = of(type, readers);
            long written = merge.into(r -> {
                if (manifest != null) {
                    manifest.add(r);
                }
                writer.write(r);
            });
            writer.commit();
            return new Outcome(merge.recordsIn(), written);
        } finally {
            for (RecordReader<R> r : readers) {
                r.close();
            }
        }
    }

    /** Where merged records go; a record passed may be changed by the merge once the call returns. */
    @FunctionalInterface
    public interface Sink<R> {
        void accept(R record) throws IOException;
    }

    /** Runs the merge into {@code sink}; returns how many records it wrote. */
    public long into(Sink<R> sink) throws IOException {
        // Equal keys leave in input order, so a combine sees its records as a one-pass merge would.
        PriorityQueue<Integer> heap = new PriorityQueue<>(Math.max(1, inputs.size()), (a, b) -> {
            int c = type.compareKeys(inputs.get(a).current(), inputs.get(b).current());
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).next()) {
                heap.add(i);
            }
        }
        R pending = null;
        long written = 0;
        while (!heap.isEmpty()) {
            int w = heap.poll();
            R record = inputs.get(w).current();
            recordsIn++;
            if (pending != null && type.compareKeys(pending, record) == 0) {
                R combined = type.combine(pending, record);
                // a combine that answers with the reader's record would leave it to be overwritten
                pending = combined == record ? type.copy(record) : combined;
            } else {
                if (pending != null) {
                    sink.accept(pending);
                    written++;
                }
                pending = type.copy(record);
            }
            if (inputs.get(w).next()) {
                heap.add(w);
            }
        }
        if (pending != null) {
            sink.accept(pending);
            written++;
        }
        return written;
    }

    /** Records read from all inputs so far. */
    public long recordsIn() {
        return recordsIn;
    }
}

package floe.connectors.merge;

import floe.connectors.avro.MetricReader;
import floe.example.Metric;

import java.io.IOException;
import java.util.List;

/**
 * The k-way merge by key with combine: records of the inputs come out in key order, and records
 * with equal keys become one ({@link Metric#combine}). Memory is one record per input plus one,
 * whatever the file sizes; nothing is allocated per record.
 *
 * <pre>{@code
 * long written = SortedMerge.of(readers).into(writer::write);
 * }</pre>
 */
public final class SortedMerge {
    private final MetricReader[] heap;
    private int size;
    private long recordsIn;

    private SortedMerge(List<MetricReader> inputs) {
        heap = inputs.toArray(new MetricReader[0]);
    }

    /** A merge of {@code inputs}, each sorted by key; the caller still owns (and closes) them. */
    public static SortedMerge of(List<MetricReader> inputs) {
        return new SortedMerge(inputs);
    }

    /** Where merged records go; the record passed is reused after the call returns. */
    @FunctionalInterface
    public interface Sink {
        void accept(Metric record) throws IOException;
    }

    /** Runs the merge into {@code sink}; returns how many records it wrote. */
    public long into(Sink sink) throws IOException {
        for (MetricReader in : heap) {
            if (in.next()) {
                heap[size++] = in;
            }
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
        Metric pending = new Metric();
        boolean hasPending = false;
        long written = 0;
        while (size > 0) {
            MetricReader top = heap[0];
            Metric record = top.current();
            recordsIn++;
            if (hasPending && pending.key().equals(record.key())) {
                pending.combine(record);
            } else {
                if (hasPending) {
                    sink.accept(pending);
                    written++;
                }
                pending.copyFrom(record);
                hasPending = true;
            }
            if (top.next()) {
                siftDown(0);
            } else {
                heap[0] = heap[--size];
                heap[size] = null;
                siftDown(0);
            }
        }
        if (hasPending) {
            sink.accept(pending);
            written++;
        }
        return written;
    }

    /** Records read from all inputs so far. */
    public long recordsIn() {
        return recordsIn;
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left;
            int right = left + 1;
            if (right < size && heap[right].key().compareTo(heap[left].key()) < 0) {
                smallest = right;
            }
            if (heap[smallest].key().compareTo(heap[i].key()) >= 0) {
                return;
            }
            MetricReader t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }
}

package floe.connectors.merge;

import floe.connectors.avro.MetricReader;
import floe.example.Metric;

import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.util.List;

/**
 * The k-way merge by key with combine: records of the inputs come out in key order, and records
 * with equal keys become one ({@link Metric#combine}). Memory is one record per input plus one,
 * whatever the file sizes; nothing is allocated per record. The inputs meet in a loser tree, so
 * each record costs {@code log2(k)} key comparisons (a binary heap needs twice as many), and each
 * input's current key is mirrored into two longs side by side with the others', so comparing keys
 * of up to 16 bytes touches no record at all.
 *
 * <pre>{@code
 * long written = SortedMerge.of(readers).into(writer::write);
 * }</pre>
 */
public final class SortedMerge {
    private final MetricReader[] inputs;
    private final boolean[] exhausted;
    /** tree[0] is the current winner; tree[1..k-1] hold the loser of each match. */
    private final int[] tree;
    private final int k;
    /** Bytes 0-7 and 8-15 of each input's current key, big-endian, zero-padded; and its length. */
    private final long[] head;
    private final long[] tail;
    private final int[] length;
    private long recordsIn;

    private SortedMerge(List<MetricReader> inputs) {
        this.inputs = inputs.toArray(new MetricReader[0]);
        this.k = this.inputs.length;
        this.exhausted = new boolean[k];
        this.tree = new int[Math.max(1, k)];
        this.head = new long[k];
        this.tail = new long[k];
        this.length = new int[k];
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
        if (k == 0) {
            return 0;
        }
        for (int i = 0; i < k; i++) {
            advance(i);
            tree[i] = k; // k stands for a key below every key, so the first pass fills the tree
        }
        for (int i = k - 1; i >= 0; i--) {
            replay(i);
        }
        Metric pending = new Metric();
        boolean hasPending = false;
        long written = 0;
        for (int w = tree[0]; !exhausted[w]; w = tree[0]) {
            Metric record = inputs[w].current();
            recordsIn++;
            if (hasPending && Metric.compareKeys(pending.key(), record.key()) == 0) {
                pending.combine(record);
            } else {
                if (hasPending) {
                    sink.accept(pending);
                    written++;
                }
                pending.copyFrom(record);
                hasPending = true;
            }
            advance(w);
            replay(w);
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

    private void advance(int i) {
        exhausted[i] = !inputs[i].next();
        if (!exhausted[i]) {
            Utf8 key = inputs[i].key();
            byte[] bytes = key.getBytes();
            int n = key.getByteLength();
            head[i] = bigEndian(bytes, 0, n);
            tail[i] = bigEndian(bytes, 8, n);
            length[i] = n;
        }
    }

    private static long bigEndian(byte[] bytes, int from, int length) {
        long v = 0;
        for (int j = from; j < from + 8; j++) {
            v = (v << 8) | (j < length ? bytes[j] & 0xff : 0);
        }
        return v;
    }

    /** Plays input {@code s} up from its leaf to the root; the overall winner lands in tree[0]. */
    private void replay(int s) {
        for (int t = (s + k) / 2; t > 0; t /= 2) {
            if (beats(tree[t], s)) {
                int winner = tree[t];
                tree[t] = s;
                s = winner;
            }
        }
        tree[0] = s;
    }

    private boolean beats(int a, int b) {
        if (a == k || b == k) {
            return a == k;
        }
        if (exhausted[a] || exhausted[b]) {
            return !exhausted[a];
        }
        int c = compareKeys(a, b);
        return c < 0 || (c == 0 && a < b);
    }

    /** {@link Metric#compareKeys} of the current keys of inputs {@code a} and {@code b}. */
    private int compareKeys(int a, int b) {
        if (head[a] != head[b]) {
            return Long.compareUnsigned(head[a], head[b]);
        }
        if (tail[a] != tail[b]) {
            return Long.compareUnsigned(tail[a], tail[b]);
        }
        if (length[a] > 16 && length[b] > 16) {
            return Metric.compareKeys(inputs[a].key(), inputs[b].key());
        }
        return length[a] - length[b];
    }
}

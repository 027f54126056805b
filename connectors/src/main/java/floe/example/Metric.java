package floe.example;

import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The reference case's record, {@code floe.example.Metric {string key; long count; double sum;
 * double min; double max}}, as a mutable holder: readers fill one instance again and again, so the
 * merge path allocates nothing per record.
 */
public final class Metric {
    /** The Avro schema, from {@code floe/example/Metric.avsc}. */
    public static final Schema SCHEMA = load();

    private final Utf8 key = new Utf8();
    private long count;
    private double sum;
    private double min;
    private double max;

    public Utf8 key() {
        return key;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public Metric set(String key, long count, double sum, double min, double max) {
        this.key.set(key);
        return values(count, sum, min, max);
    }

    public Metric values(long count, double sum, double min, double max) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        return this;
    }

    /** Makes this a copy of {@code other}, reusing this record's key buffer. */
    public Metric copyFrom(Metric other) {
        key.set(other.key);
        return values(other.count, other.sum, other.min, other.max);
    }

    /** Folds {@code other} (same key) into this: counts and sums add, min and max take the extremes. */
    public void combine(Metric other) {
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /**
     * The key order files are sorted by: UTF-8 bytes compared unsigned (that is, by code point),
     * a shorter key first when one is a prefix of the other. A plain loop: it stays cheap before
     * the JIT has compiled it, and keys are short.
     */
    public static int compareKeys(Utf8 a, Utf8 b) {
        byte[] x = a.getBytes();
        byte[] y = b.getBytes();
        int n = Math.min(a.getByteLength(), b.getByteLength());
        for (int i = 0; i < n; i++) {
            if (x[i] != y[i]) {
                return (x[i] & 0xff) - (y[i] & 0xff);
            }
        }
        return a.getByteLength() - b.getByteLength();
    }

    @Override
    public String toString() {
        return key + "," + count + "," + sum + "," + min + "," + max;
    }

    private static Schema load() {
        try (InputStream in = Metric.class.getResourceAsStream("/floe/example/Metric.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package floe.jobs;

import floe.SpecException;
import floe.connectors.avro.Codecs;
import floe.connectors.avro.MetricWriter;
import floe.connectors.csv.MetricCsvWriter;
import floe.example.Metric;

import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the reference case's inputs: {@code files} files of {@code records} records each, keys
 * {@code k%08d} drawn without replacement from {@code keys} keys, sorted. Each record stands for
 * 1-10 observations with values that are multiples of 1/1024 below 1000, so every sum is exact in
 * a double and any merge order gives the same bits. File {@code f} depends only on
 * {@code (seed, f)}, so files are written in parallel and the same arguments give the same bytes.
 */
public final class InputGenerator {
    private final int files;
    private final int records;
    private final int keys;
    private final long seed;
    private final String codec;
    private final String format;

    public InputGenerator(int files, int records, int keys, long seed, String codec) {
        this(files, records, keys, seed, codec, "avro");
    }

    /** {@code format} is {@code avro} ({@code part-N.avro} in {@code codec}) or {@code csv} ({@code part-N.csv}). */
    public InputGenerator(int files, int records, int keys, long seed, String codec, String format) {
        if (files < 1) {
            throw new SpecException("--files must be at least 1, got " + files);
        }
        if (records < 1) {
            throw new SpecException("--records must be at least 1, got " + records);
        }
        if (keys < records) {
            throw new SpecException("--keys must be at least --records (" + records + "), got " + keys
                    + ": keys are drawn without replacement");
        }
        if (keys > 100_000_000) {
            throw new SpecException("--keys must be at most 100000000 (keys are k%08d), got " + keys);
        }
        Codecs.named(codec);
        if (!format.equals("avro") && !format.equals("csv")) {
            throw new SpecException("--format must be avro or csv, got '" + format + "'");
        }
        this.format = format;
        this.files = files;
        this.records = records;
        this.keys = keys;
        this.seed = seed;
        this.codec = codec;
    }

    /** The default key space for {@code records} records a file: 50 keys per record. */
    public static int defaultKeys(int records) {
        return (int) Math.min(100_000_000L, 50L * records);
    }

    /** Writes every file into {@code dir} with {@code threads} threads; returns the records written. */
    public long writeTo(Path dir, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> written = new ArrayList<>();
            for (int f = 0; f < files; f++) {
                int file = f;
                Path path = new Path(dir, String.format("part-%05d.%s", file, format));
                written.add(pool.submit(() -> writeFile(path, file)));
            }
            long total = 0;
            for (Future<Long> w : written) {
                total += Futures.get(w);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Where generated records go: an Avro or a CSV file. */
    private interface Out extends AutoCloseable {
        void write(Metric m) throws IOException;

        long commit() throws IOException;

        @Override
        void close() throws IOException;
    }

    private Out open(Path path) throws IOException {
        if (format.equals("csv")) {
            MetricCsvWriter csv = MetricCsvWriter.create(path);
            return new Out() {
                public void write(Metric m) throws IOException { csv.write(m); }
                public long commit() throws IOException { csv.commit(); return csv.records(); }
                public void close() throws IOException { csv.close(); }
            };
        }
        MetricWriter avro = MetricWriter.create(path, Codecs.named(codec));
        return new Out() {
            public void write(Metric m) throws IOException { avro.write(m); }
            public long commit() throws IOException { avro.commit(); return avro.records(); }
            public void close() throws IOException { avro.close(); }
        };
    }

    private long writeFile(Path path, int file) throws IOException {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + file);
        BitSet chosen = chooseKeys(random);
        Metric m = new Metric();
        try (Out out = open(path)) {
            for (int k = chosen.nextSetBit(0); k >= 0; k = chosen.nextSetBit(k + 1)) {
                int n = 1 + random.nextInt(10);
                long sum = 0;
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < n; i++) {
                    long v = random.nextInt(1_024_000);
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                key(k, m.key());
                m.values(n, sum / 1024.0, min / 1024.0, max / 1024.0);
                out.write(m);
            }
            return out.commit();
        }
    }

    /** Floyd's sampling: {@code records} distinct keys of {@code keys}, in O(records) draws. */
    private BitSet chooseKeys(SplittableRandom random) {
        BitSet chosen = new BitSet(keys);
        for (int j = keys - records; j < keys; j++) {
            int t = random.nextInt(j + 1);
            chosen.set(chosen.get(t) ? j : t);
        }
        return chosen;
    }

    /** Writes key {@code k%08d} into {@code key}'s own buffer: no string per record. */
    static void key(int k, org.apache.avro.util.Utf8 key) {
        key.setByteLength(9);
        byte[] b = key.getBytes();
        b[0] = 'k';
        for (int i = 8, v = k; i >= 1; i--, v /= 10) {
            b[i] = (byte) ('0' + v % 10);
        }
    }
}

package floe.connectors.csv;

import floe.connectors.commit.AtomicFile;
import floe.example.Metric;

import org.apache.flink.core.fs.Path;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Writes Metric records as the command-task examples read them: one record a line,
 * {@code key,count,sum,min,max}, no header, doubles in plain decimal that read back to the same
 * bits (e.g. {@code k00000004,8,4264.673828125,172.8037109375,554.87890625}); committed atomically.
 */
public final class MetricCsvWriter implements AutoCloseable {
    private final AtomicFile file;
    private final Writer out;
    private long records;

    private MetricCsvWriter(AtomicFile file) {
        this.file = file;
        this.out = new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8), 256 * 1024);
    }

    public static MetricCsvWriter create(Path target) throws IOException {
        return new MetricCsvWriter(AtomicFile.create(target));
    }

    public void write(Metric m) throws IOException {
        out.write(m.key().toString());
        out.write(',');
        out.write(Long.toString(m.count()));
        out.write(',');
        out.write(decimal(m.sum()));
        out.write(',');
        out.write(decimal(m.min()));
        out.write(',');
        out.write(decimal(m.max()));
        out.write('\n');
        records++;
    }

    public long records() {
        return records;
    }

    public void commit() throws IOException {
        out.flush();
        file.commit();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /**
     * The exact decimal of {@code d}, never in exponent form, with a fraction always shown
     * ({@code 5.0}, as Python writes floats). Exact, so it reads back to the same bits anywhere.
     */
    static String decimal(double d) {
        String plain = new BigDecimal(d).toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }
}

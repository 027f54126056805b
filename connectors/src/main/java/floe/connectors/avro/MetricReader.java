package floe.connectors.avro;

import floe.DataException;
import floe.connectors.oss.OssErrors;
import floe.example.Metric;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.util.Utf8;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;

/**
 * Streams the {@link Metric}s of one Avro file on any Flink file system, one reused record at a
 * time, and checks as it goes that keys are strictly increasing and, at the end, that the file
 * was not cut short (Avro's own reader takes a file truncated inside a block for a shorter one).
 * Every error names the file.
 *
 * <pre>{@code
 * try (MetricReader in = MetricReader.open(new Path("file:///data/level-0/part-00000.avro"))) {
 *     while (in.next()) {
 *         use(in.current());
 *     }
 * }
 * }</pre>
 */
public final class MetricReader implements AutoCloseable {
    private final Path path;
    private final long length;
    private final DataFileReader<Metric> stream;
    private Metric current = new Metric();
    private Metric previous = new Metric();
    private long records;

    private MetricReader(Path path, long length, DataFileReader<Metric> stream) {
        this.path = path;
        this.length = length;
        this.stream = stream;
    }

    /** Opens {@code path} and reads its header: a missing, corrupt or foreign file fails here. */
    public static MetricReader open(Path path) {
        return open(path, -1);
    }

    /**
     * Opens {@code path}, whose length is known to be {@code knownLength} bytes (-1: not known),
     * and reads its header. Knowing the length saves a round trip on an object store.
     */
    public static MetricReader open(Path path, long knownLength) {
        FlinkSeekableInput in = null;
        try {
            in = FlinkSeekableInput.open(path, knownLength);
            return new MetricReader(path, in.length(), new DataFileReader<>(in, new MetricDatumReader()));
        } catch (FileNotFoundException e) {
            closeQuietly(in);
            throw new UnreadableInputException(path + ": no such file");
        } catch (MetricDatumReader.SchemaMismatchException e) {
            closeQuietly(in);
            throw new UnreadableInputException(path + ": not a " + Metric.SCHEMA.getFullName() + " file: " + e.getMessage());
        } catch (IOException | AvroRuntimeException e) {
            closeQuietly(in);
            throw new UnreadableInputException(path + ": not a readable Avro file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw OssErrors.at(path.toString(), e);
        }
    }

    /** Advances to the next record; false at the end of the file. */
    public boolean next() {
        try {
            if (!stream.hasNext()) {
                if (stream.previousSync() != length) {
                    throw new DataException(String.format("%s: truncated: the last complete block ends at byte %d of %d (after record %d)",
                            path, stream.previousSync(), length, records));
                }
                return false;
            }
            Metric swap = previous;
            previous = current;
            current = stream.next(swap);
        } catch (IOException | AvroRuntimeException e) {
            throw new DataException(path + ": corrupt after record " + records + ": " + e.getMessage(), e);
        }
        records++;
        if (records > 1 && Metric.compareKeys(current.key(), previous.key()) <= 0) {
            throw new DataException(String.format("%s: not sorted by key: record %d has key '%s' after '%s'"
                    + " (keys must be strictly increasing within a file)", path, records, current.key(), previous.key()));
        }
        return true;
    }

    /** The record {@link #next()} moved to; overwritten by the call after next. */
    public Metric current() {
        return current;
    }

    public Utf8 key() {
        return current.key();
    }

    public long records() {
        return records;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        closeQuietly(stream);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // reading is over; nothing to keep
            }
        }
    }
}

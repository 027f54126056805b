package floe.connectors.records;

import floe.DataException;
import floe.connectors.avro.AvroFiles;
import floe.connectors.avro.FlinkSeekableInput;
import floe.connectors.avro.UnreadableInputException;
import floe.connectors.oss.OssErrors;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;

/**
 * Streams the records of one Avro file of a {@link KeyedRecords} type on any Flink file system,
 * one reused record at a time, checking as it goes what {@code MetricReader} checks for Metric
 * files, with the same messages: the file is of that schema (else the first differing field is
 * named), keys strictly increase, and the file was not cut short. Every error names the file.
 *
 * <pre>{@code
 * try (RecordReader<GenericRecord> in = RecordReader.open(usage, new Path("file:///data/part-00000.avro"))) {
 *     while (in.next()) {
 *         use(in.current());
 *     }
 * }
 * }</pre>
 */
public final class RecordReader<R> implements AutoCloseable {
    private final KeyedRecords<R> type;
    private final Path path;
    private final long length;
    private final DataFileReader<R> stream;
    private R current;
    private R previous;
    private long records;

    private RecordReader(KeyedRecords<R> type, Path path, long length, DataFileReader<R> stream) {
        this.type = type;
        this.path = path;
        this.length = length;
        this.stream = stream;
    }

    /** Opens {@code path} and reads its header: a missing, corrupt or foreign file fails here. */
    public static <R> RecordReader<R> open(KeyedRecords<R> type, Path path) {
        FlinkSeekableInput in = null;
        DataFileReader<R> stream = null;
        try {
            in = FlinkSeekableInput.open(path, -1);
            stream = new DataFileReader<>(in, type.datumReader());
            String problem = AvroFiles.mismatch(type.schema(), stream.getSchema());
            if (problem != null) {
                closeQuietly(stream);
                throw new UnreadableInputException(path + ": not a " + type.schema().getFullName() + " file: " + problem);
            }
            return new RecordReader<>(type, path, in.length(), stream);
        } catch (FileNotFoundException e) {
            closeQuietly(in);
            throw new UnreadableInputException(path + ": no such file");
        } catch (IOException | AvroRuntimeException e) {
            closeQuietly(in);
            throw new UnreadableInputException(path + ": not a readable Avro file: " + e.getMessage(), e);
        } catch (DataException e) {
            throw e;
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
            R swap = previous;
            previous = current;
            current = stream.next(swap);
        } catch (IOException | AvroRuntimeException e) {
            throw new DataException(path + ": corrupt after record " + records + ": " + e.getMessage(), e);
        }
        records++;
        if (records > 1 && type.compareKeys(current, previous) <= 0) {
            String field = type.keyField();
            throw new DataException(String.format("%s: not sorted by %s: record %d has %s '%s' after '%s'"
                    + " (keys must be strictly increasing within a file)",
                    path, field, records, field, type.key(current), type.key(previous)));
        }
        return true;
    }

    /** The record {@link #next()} moved to; overwritten by the call after next. */
    public R current() {
        return current;
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

package floe.connectors.records;

import floe.connectors.avro.AvroFiles;
import floe.connectors.commit.AtomicFile;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.flink.core.fs.Path;

import java.io.IOException;

/**
 * Writes records of a {@link KeyedRecords} type to an Avro file through the commit protocol
 * ({@link AtomicFile}): the file appears complete on {@link #commit()} or not at all. As with
 * Metric files, the sync marker comes from the file's name, so the same records written to the
 * same name give the same bytes.
 *
 * <pre>{@code
 * try (RecordWriter<GenericRecord> out = RecordWriter.create(usage, new Path("file:///data/part-00000.avro"),
 *         Codecs.named("snappy"))) {
 *     out.write(record);
 *     out.commit();
 * }
 * }</pre>
 */
public final class RecordWriter<R> implements AutoCloseable {
    private static final int SYNC_INTERVAL = 256 * 1024;

    private final AtomicFile file;
    private final DataFileWriter<R> writer;
    private long records;

    private RecordWriter(AtomicFile file, DataFileWriter<R> writer) {
        this.file = file;
        this.writer = writer;
    }

    public static <R> RecordWriter<R> create(KeyedRecords<R> type, Path target, CodecFactory codec) throws IOException {
        AtomicFile file = AtomicFile.create(target);
        try {
            DataFileWriter<R> writer = new DataFileWriter<>(type.datumWriter())
                    .setCodec(codec)
                    .setSyncInterval(SYNC_INTERVAL);
            writer.create(type.schema(), file.stream(), AvroFiles.syncMarker(target.getName()));
            return new RecordWriter<>(file, writer);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public void write(R record) throws IOException {
        writer.append(record);
        records++;
    }

    public long records() {
        return records;
    }

    public Path target() {
        return file.target();
    }

    /** Finishes the file and publishes it under its name. */
    public void commit() throws IOException {
        writer.flush();
        file.commit();
    }

    /** Abandons the file unless it was committed. */
    @Override
    public void close() throws IOException {
        file.close();
    }
}

package floe.connectors.avro;

import floe.connectors.commit.AtomicFile;
import floe.example.Metric;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.flink.core.fs.Path;

import org.apache.avro.io.BinaryData;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes {@link Metric}s to an Avro file through the commit protocol ({@link AtomicFile}): the
 * file appears complete on {@link #commit()} or not at all. The Avro sync marker is derived from
 * the file's name, so writing the same records to the same name gives the same bytes.
 */
public final class MetricWriter implements AutoCloseable {
    private static final int SYNC_INTERVAL = 256 * 1024;

    private final AtomicFile file;
    private final DataFileWriter<Metric> writer;
    private byte[] encoded = new byte[64];
    private ByteBuffer view = ByteBuffer.wrap(encoded);
    private long records;

    private MetricWriter(AtomicFile file, DataFileWriter<Metric> writer) {
        this.file = file;
        this.writer = writer;
    }

    public static MetricWriter create(Path target, CodecFactory codec) throws IOException {
        AtomicFile file = AtomicFile.create(target);
        try {
            DataFileWriter<Metric> writer = new DataFileWriter<>(new MetricDatumWriter())
                    .setCodec(codec)
                    .setSyncInterval(SYNC_INTERVAL);
            writer.create(Metric.SCHEMA, file.stream(), AvroFiles.syncMarker(target.getName()));
            return new MetricWriter(file, writer);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Appends {@code m}, encoded here into a reused buffer in one go (Avro's own path makes a
     * stream call per field, which shows on the merge's profile).
     */
    public void write(Metric m) throws IOException {
        Utf8 key = m.key();
        int needed = key.getByteLength() + 5 + 10 + 24;
        if (needed > encoded.length) {
            encoded = new byte[Math.max(needed, 2 * encoded.length)];
            view = ByteBuffer.wrap(encoded);
        }
        int pos = BinaryData.encodeInt(key.getByteLength(), encoded, 0);
        System.arraycopy(key.getBytes(), 0, encoded, pos, key.getByteLength());
        pos += key.getByteLength();
        pos += BinaryData.encodeLong(m.count(), encoded, pos);
        pos += BinaryData.encodeDouble(m.sum(), encoded, pos);
        pos += BinaryData.encodeDouble(m.min(), encoded, pos);
        pos += BinaryData.encodeDouble(m.max(), encoded, pos);
        view.clear().limit(pos);
        writer.appendEncoded(view);
        records++;
    }

    public long records() {
        return records;
    }

    public Path target() {
        return file.target();
    }

    /** The bytes written so far: after {@link #commit()}, the length of the published file. */
    public long length() {
        return file.length();
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

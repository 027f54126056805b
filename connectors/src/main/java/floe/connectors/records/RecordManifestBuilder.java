package floe.connectors.records;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Accumulates a {@link RecordManifest} over result records as they are written, in key order. */
public final class RecordManifestBuilder<R> {
    private final KeyedRecords<R> type;
    private final MessageDigest sha256;
    private final DatumWriter<R> datumWriter;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private long distinctKeys;

    public RecordManifestBuilder(KeyedRecords<R> type) {
        this.type = type;
        this.datumWriter = type.datumWriter();
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public void add(R record) throws IOException {
        bytes.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(bytes, encoder);
        datumWriter.write(record, encoder);
        encoder.flush();
        sha256.update(bytes.toByteArray());
        distinctKeys++;
    }

    /** The manifest of what was added, for a merge of {@code inputRecords} source records. */
    public RecordManifest build(long inputRecords) {
        return new RecordManifest(type.toString(), inputRecords, distinctKeys,
                "sha256:" + HexFormat.of().formatHex(sha256.digest()));
    }
}

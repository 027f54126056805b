package floe.connectors.merge;

import floe.example.Metric;

import org.apache.avro.util.Utf8;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Accumulates a {@link Manifest} over result records as they are written, in key order. Two
 * results with the same records in the same order have the same checksum, however they were made.
 */
public final class ManifestBuilder {
    private final MessageDigest sha256;
    private final ByteBuffer fields = ByteBuffer.allocate(33);
    private long distinctKeys;
    private long totalCount;
    private double totalSum;

    public ManifestBuilder() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public void add(Metric m) {
        Utf8 key = m.key();
        sha256.update(key.getBytes(), 0, key.getByteLength());
        fields.clear();
        fields.put((byte) 0)
                .putLong(m.count())
                .putLong(Double.doubleToLongBits(m.sum()))
                .putLong(Double.doubleToLongBits(m.min()))
                .putLong(Double.doubleToLongBits(m.max()));
        sha256.update(fields.array(), 0, fields.position());
        distinctKeys++;
        totalCount += m.count();
        totalSum += m.sum();
    }

    /** The manifest of what was added, for a merge of {@code inputRecords} source records. */
    public Manifest build(long inputRecords) {
        return new Manifest(inputRecords, distinctKeys, totalCount, totalSum,
                "sha256:" + HexFormat.of().formatHex(sha256.digest()));
    }
}

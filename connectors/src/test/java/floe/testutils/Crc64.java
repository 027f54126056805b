package floe.testutils;

/**
 * CRC-64/ECMA-182 as OSS computes it for {@code x-oss-hash-crc64ecma} (reflected, initial and final
 * value all ones; the check value of "123456789" is 0x995DC9BBDF1939FA).
 */
public final class Crc64 {
    private static final long POLY = 0xC96C5795D7870F42L;
    private static final long[] TABLE = new long[256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[n] = crc;
        }
    }

    private long value = ~0L;

    public Crc64 update(byte[] b, int off, int len) {
        long crc = value;
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        value = crc;
        return this;
    }

    /** The checksum so far, as OSS prints it: an unsigned decimal. */
    public String text() {
        return Long.toUnsignedString(~value);
    }

    public long value() {
        return ~value;
    }
}

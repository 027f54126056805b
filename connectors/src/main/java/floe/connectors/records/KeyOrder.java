package floe.connectors.records;

import floe.SpecException;

import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a key field's values: strings by their UTF-8 bytes compared unsigned (that is, by
 * code point, as {@code floe.example.Metric}'s keys), bytes unsigned, ints and longs by value.
 */
final class KeyOrder {
    private KeyOrder() {}

    /** The comparator of {@code field}'s values; other types are refused naming the field. */
    static Comparator<Object> of(Schema record, Schema.Field field) {
        Schema.Type type = field.schema().getType();
        return switch (type) {
            case STRING -> KeyOrder::compareStrings;
            case BYTES -> KeyOrder::compareBytes;
            case INT, LONG -> (a, b) -> Long.compare(((Number) a).longValue(), ((Number) b).longValue());
            default -> throw new SpecException(record.getFullName() + ": key field '" + field.name() + "' is "
                    + type.getName() + "; a key must be one of " + String.join(", ", KEY_TYPES));
        };
    }

    static final List<String> KEY_TYPES = List.of("string", "bytes", "int", "long");

    static int compareBytes(Object a, Object b) {
        ByteBuffer x = (ByteBuffer) a;
        ByteBuffer y = (ByteBuffer) b;
        return java.util.Arrays.compareUnsigned(bytes(x), bytes(y));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return copy;
    }

    static int compareStrings(Object a, Object b) {
        Utf8 x = a instanceof Utf8 u ? u : new Utf8(a.toString());
        Utf8 y = b instanceof Utf8 u ? u : new Utf8(b.toString());
        byte[] xb = x.getBytes();
        byte[] yb = y.getBytes();
        int n = Math.min(x.getByteLength(), y.getByteLength());
        for (int i = 0; i < n; i++) {
            if (xb[i] != yb[i]) {
                return (xb[i] & 0xff) - (yb[i] & 0xff);
            }
        }
        return x.getByteLength() - y.getByteLength();
    }
}

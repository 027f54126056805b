package floe.connectors.avro;

import org.apache.avro.Schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/** What every Avro file Floe reads or writes has in common, whatever its record type. */
public final class AvroFiles {
    private AvroFiles() {}

    /**
     * The sync marker of a file named {@code name}: derived from the name, so that writing the same
     * records to the same name gives the same bytes (a re-run task overwrites its output with itself).
     */
    public static byte[] syncMarker(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(("floe:" + name).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    /**
     * Why a file written with {@code writer} is not a file of {@code expected}, naming the first
     * field that differs (its position, name or type), or null when the field layouts agree.
     */
    public static String mismatch(Schema expected, Schema writer) {
        if (writer.getType() != Schema.Type.RECORD) {
            return "schema is " + writer.getType() + ", expected record " + expected.getFullName();
        }
        List<Schema.Field> want = expected.getFields();
        List<Schema.Field> got = writer.getFields();
        for (int i = 0; i < want.size(); i++) {
            Schema.Field w = want.get(i);
            if (i >= got.size()) {
                return "field '" + w.name() + "' (" + typeName(w.schema()) + ") is missing";
            }
            Schema.Field g = got.get(i);
            if (!g.name().equals(w.name())) {
                return "field " + (i + 1) + " is '" + g.name() + "', expected '" + w.name() + "'";
            }
            if (g.schema().getType() != w.schema().getType()) {
                return "field '" + g.name() + "' is " + typeName(g.schema()) + ", expected " + typeName(w.schema());
            }
        }
        if (got.size() > want.size()) {
            return "unexpected field '" + got.get(want.size()).name() + "'";
        }
        return null;
    }

    private static String typeName(Schema s) {
        return s.getType().getName();
    }
}

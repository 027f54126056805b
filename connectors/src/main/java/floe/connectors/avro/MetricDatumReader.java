package floe.connectors.avro;

import floe.example.Metric;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

import java.io.IOException;
import java.util.List;

/**
 * Decodes {@link Metric}s into a reused holder (the key's bytes land in its reused buffer). It
 * accepts exactly the Metric field layout and, for any other schema, names the first field that
 * differs.
 */
final class MetricDatumReader implements DatumReader<Metric> {
    @Override
    public void setSchema(Schema writer) {
        String problem = mismatch(writer);
        if (problem != null) {
            throw new SchemaMismatchException(problem);
        }
    }

    @Override
    public Metric read(Metric reuse, Decoder in) throws IOException {
        Metric m = reuse == null ? new Metric() : reuse;
        in.readString(m.key());
        return m.values(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble());
    }

    /** Why {@code writer} is not the Metric layout, or null when it is. */
    static String mismatch(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD) {
            return "schema is " + writer.getType() + ", expected record " + Metric.SCHEMA.getFullName();
        }
        List<Schema.Field> expected = Metric.SCHEMA.getFields();
        List<Schema.Field> actual = writer.getFields();
        for (int i = 0; i < expected.size(); i++) {
            Schema.Field want = expected.get(i);
            if (i >= actual.size()) {
                return "field '" + want.name() + "' (" + typeName(want.schema()) + ") is missing";
            }
            Schema.Field got = actual.get(i);
            if (!got.name().equals(want.name())) {
                return "field " + (i + 1) + " is '" + got.name() + "', expected '" + want.name() + "'";
            }
            if (got.schema().getType() != want.schema().getType()) {
                return "field '" + got.name() + "' is " + typeName(got.schema()) + ", expected " + typeName(want.schema());
            }
        }
        if (actual.size() > expected.size()) {
            return "unexpected field '" + actual.get(expected.size()).name() + "'";
        }
        return null;
    }

    private static String typeName(Schema s) {
        return s.getType().getName();
    }

    /** The file's schema is not the Metric layout. */
    static final class SchemaMismatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaMismatchException(String message) {
            super(message);
        }
    }
}

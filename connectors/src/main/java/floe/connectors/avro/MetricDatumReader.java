package floe.connectors.avro;

import floe.example.Metric;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

import java.io.IOException;

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
        return AvroFiles.mismatch(Metric.SCHEMA, writer);
    }

    /** The file's schema is not the Metric layout. */
    static final class SchemaMismatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaMismatchException(String message) {
            super(message);
        }
    }
}

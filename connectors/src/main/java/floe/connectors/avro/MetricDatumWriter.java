package floe.connectors.avro;

import floe.example.Metric;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

import java.io.IOException;

/** Encodes a {@link Metric} field by field, straight from the holder. */
final class MetricDatumWriter implements DatumWriter<Metric> {
    @Override
    public void setSchema(Schema schema) {}

    @Override
    public void write(Metric m, Encoder out) throws IOException {
        out.writeString(m.key());
        out.writeLong(m.count());
        out.writeDouble(m.sum());
        out.writeDouble(m.min());
        out.writeDouble(m.max());
    }
}

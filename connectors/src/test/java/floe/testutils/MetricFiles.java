package floe.testutils;

import floe.connectors.avro.Codecs;
import floe.connectors.avro.MetricWriter;
import floe.example.Metric;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;

import java.io.File;
import java.io.IOException;

/** Writes small Metric files for tests, including the bad kinds users hand us. */
public final class MetricFiles {
    private MetricFiles() {}

    /** Writes {@code rows} ("key,count,sum,min,max") as given, sorted or not, to {@code file}. */
    public static Path write(File file, String... rows) throws IOException {
        Path path = new Path(file.toURI());
        Metric m = new Metric();
        try (MetricWriter out = MetricWriter.create(path, Codecs.named("snappy"))) {
            for (String row : rows) {
                String[] f = row.split(",");
                out.write(m.set(f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])));
            }
            out.commit();
        }
        return path;
    }

    /** An Avro file whose field {@code count} is a string: valid Avro, another schema. */
    public static Path writeOtherSchema(File file) throws IOException {
        Schema other = SchemaBuilder.record("Metric").namespace("floe.example").fields()
                .requiredString("key").requiredString("count").requiredDouble("sum")
                .requiredDouble("min").requiredDouble("max").endRecord();
        GenericRecord r = new GenericData.Record(other);
        r.put("key", "k00000001");
        r.put("count", "three");
        r.put("sum", 1.0);
        r.put("min", 1.0);
        r.put("max", 1.0);
        try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(other))) {
            w.create(other, file);
            w.append(r);
        }
        return new Path(file.toURI());
    }
}

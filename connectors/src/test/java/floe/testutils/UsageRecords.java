package floe.testutils;

import floe.connectors.avro.Codecs;
import floe.connectors.records.KeyedRecords;
import floe.connectors.records.RecordWriter;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A record type that is not Metric, {@code example.Usage {string user; long events; long bytes}},
 * merged by summing, and files of it for tests: generated (sorted, keys overlapping between files)
 * or written row by row as given.
 */
public final class UsageRecords {
    public static final Schema SCHEMA = SchemaBuilder.record("Usage").namespace("example").fields()
            .requiredString("user").requiredLong("events").requiredLong("bytes").endRecord();

    /** Usage sorted by user, equal users summed. */
    public static final KeyedRecords<GenericRecord> TYPE = KeyedRecords.generic(SCHEMA, "user", (into, other) -> {
        into.put("events", (Long) into.get("events") + (Long) other.get("events"));
        into.put("bytes", (Long) into.get("bytes") + (Long) other.get("bytes"));
        return into;
    });

    private UsageRecords() {}

    public static GenericRecord usage(String user, long events, long bytes) {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("user", user);
        r.put("events", events);
        r.put("bytes", bytes);
        return r;
    }

    /** Writes {@code rows} ("user,events,bytes") as given, sorted or not, to {@code file}. */
    public static Path write(File file, String... rows) throws IOException {
        Path path = new Path(file.toURI());
        try (RecordWriter<GenericRecord> out = RecordWriter.create(TYPE, path, Codecs.named("snappy"))) {
            for (String row : rows) {
                String[] f = row.split(",");
                out.write(usage(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
            out.commit();
        }
        return path;
    }

    /**
     * {@code files} files {@code part-NNNNN.avro} in {@code dir}, {@code records} users each drawn
     * from {@code 4 × records} users (so that merges really combine), seeded.
     */
    public static List<Path> generate(File dir, int files, int records, long seed) throws IOException {
        Random random = new Random(seed);
        List<Path> paths = new ArrayList<>();
        dir.mkdirs();
        for (int i = 0; i < files; i++) {
            TreeSet<String> users = new TreeSet<>();
            while (users.size() < records) {
                users.add(String.format("user-%06d", random.nextInt(4 * records)));
            }
            Path path = new Path(new File(dir, String.format("part-%05d.avro", i)).toURI());
            try (RecordWriter<GenericRecord> out = RecordWriter.create(TYPE, path, Codecs.named("snappy"))) {
                for (String user : users) {
                    out.write(usage(user, 1 + random.nextInt(100), random.nextInt(1 << 20)));
                }
                out.commit();
            }
            paths.add(path);
        }
        return paths;
    }
}

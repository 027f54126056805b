package floe.connectors.records;

import floe.DataException;
import floe.SpecException;
import floe.connectors.avro.Codecs;
import floe.testutils.MetricFiles;
import floe.testutils.UsageRecords;
import floe.testutils.Visits;

import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sorted merge, combine, commit and manifest over a record type of the user's, not Metric. */
class RecordMergeTest {
    private static final KeyedRecords<GenericRecord> USAGE = UsageRecords.TYPE;

    @TempDir
    File dir;

    @Test
    void equalKeysAreCombinedInKeyOrder() throws Exception {
        Path a = UsageRecords.write(new File(dir, "a.avro"), "ann,1,10", "bob,2,20", "eve,3,30");
        Path b = UsageRecords.write(new File(dir, "b.avro"), "bob,5,50", "dan,1,1", "zoe,7,70");
        Path out = new Path(new File(dir, "out.avro").toURI());

        RecordMerge.Outcome outcome = RecordMerge.files(USAGE, List.of(a, b), out, Codecs.named("deflate"), null);

        assertThat(outcome).isEqualTo(new RecordMerge.Outcome(6, 5));
        assertThat(rows(out)).containsExactly("ann,1,10", "bob,7,70", "dan,1,1", "eve,3,30", "zoe,7,70");
    }

    @Test
    void aTreeOfMergesGivesTheOnePassResultByteForByte() throws Exception {
        List<Path> inputs = UsageRecords.generate(new File(dir, "level-0"), 16, 500, 42);

        RecordManifestBuilder<GenericRecord> onePass = new RecordManifestBuilder<>(USAGE);
        Path oracle = new Path(new File(dir, "one-pass/result.avro").toURI());
        RecordMerge.Outcome all = RecordMerge.files(USAGE, inputs, oracle, Codecs.named("snappy"), onePass);

        List<Path> level = inputs;
        for (int depth = 1; level.size() > 1; depth++) {
            List<Path> next = new ArrayList<>();
            for (int j = 0; j < level.size() / 2; j++) {
                Path out = new Path(new File(dir, "tree/level-" + depth + "/part-" + j + ".avro").toURI());
                RecordMerge.files(USAGE, level.subList(2 * j, 2 * j + 2), out, Codecs.named("snappy"), null);
                next.add(out);
            }
            level = next;
        }
        RecordManifestBuilder<GenericRecord> tree = new RecordManifestBuilder<>(USAGE);
        Path result = new Path(new File(dir, "tree/result.avro").toURI());
        RecordMerge.files(USAGE, level, result, Codecs.named("snappy"), tree);

        RecordManifest expected = onePass.build(all.recordsIn());
        assertThat(tree.build(16 * 500)).isEqualTo(expected);
        assertThat(expected.records()).isEqualTo(8_000);
        assertThat(expected.distinctKeys()).isLessThan(8_000).isEqualTo(all.recordsOut());
        assertThat(expected.type()).isEqualTo("example.Usage by user");
        assertThat(Files.readAllBytes(new File(dir, "tree/result.avro").toPath()))
                .isEqualTo(Files.readAllBytes(new File(dir, "one-pass/result.avro").toPath()));
    }

    @Test
    void theManifestRoundTripsThroughItsFile() throws Exception {
        RecordManifest m = new RecordManifest("example.Usage by user", 10, 7, "sha256:00");
        Path p = new Path(new File(dir, "_SUCCESS").toURI());
        m.writeTo(p);
        assertThat(RecordManifest.read(p)).isEqualTo(m);
    }

    @Test
    void unsortedInputNamesFileRecordAndKeys() throws Exception {
        Path p = UsageRecords.write(new File(dir, "part-00007.avro"), "bob,1,1", "ann,1,1");
        assertThatThrownBy(() -> merge(p))
                .isInstanceOf(DataException.class)
                .hasMessage(p + ": not sorted by user: record 2 has user 'ann' after 'bob' (keys must be strictly increasing within a file)");
    }

    @Test
    void duplicateKeyInOneFileIsNotSorted() throws Exception {
        Path p = UsageRecords.write(new File(dir, "part-00001.avro"), "bob,1,1", "bob,1,1");
        assertThatThrownBy(() -> merge(p)).hasMessageContaining("record 2 has user 'bob' after 'bob'");
    }

    @Test
    void anotherSchemaNamesTheFieldAsForMetric() throws Exception {
        Path metric = MetricFiles.write(new File(dir, "part-00002.avro"), "k1,1,1,1,1");
        assertThatThrownBy(() -> merge(metric))
                .isInstanceOf(DataException.class)
                .hasMessage(metric + ": not a example.Usage file: field 1 is 'key', expected 'user'");

        KeyedRecords<GenericRecord> wider = KeyedRecords.generic(SchemaBuilder.record("Usage").namespace("example").fields()
                .requiredString("user").requiredString("events").requiredLong("bytes").endRecord(), "user", (a, b) -> a);
        Path stringEvents = new Path(new File(dir, "part-00003.avro").toURI());
        try (RecordWriter<GenericRecord> out = RecordWriter.create(wider, stringEvents, Codecs.named("null"))) {
            GenericRecord r = new org.apache.avro.generic.GenericData.Record(wider.schema());
            r.put("user", "ann");
            r.put("events", "three");
            r.put("bytes", 1L);
            out.write(r);
            out.commit();
        }
        assertThatThrownBy(() -> merge(stringEvents))
                .hasMessage(stringEvents + ": not a example.Usage file: field 'events' is string, expected long");
    }

    @Test
    void corruptFileNamesThePath() throws Exception {
        File f = new File(dir, "part-00003.avro");
        Files.writeString(f.toPath(), "this is not avro");
        Path p = new Path(f.toURI());
        assertThatThrownBy(() -> merge(p)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(p + ": not a readable Avro file");
    }

    @Test
    void truncatedFileNamesThePath() throws Exception {
        File f = new File(dir, "part-00004.avro");
        String[] rows = new String[20_000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = String.format("user-%08d,1,1", i);
        }
        UsageRecords.write(f, rows);
        byte[] bytes = Files.readAllBytes(f.toPath());
        Files.write(f.toPath(), Arrays.copyOf(bytes, bytes.length / 2));
        Path p = new Path(f.toURI());
        assertThatThrownBy(() -> merge(p)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(p + ": truncated: the last complete block ends at byte");
    }

    @Test
    void missingFileAndFailedMergeLeaveNoOutput() {
        Path p = new Path(new File(dir, "nope.avro").toURI());
        assertThatThrownBy(() -> merge(p)).hasMessage(p + ": no such file");
        assertThat(dir.list()).doesNotContain("out.avro").noneMatch(n -> n.contains("inprogress"));
    }

    @Test
    void aKeyFieldMustExistAndBeOrderable() {
        assertThatThrownBy(() -> KeyedRecords.generic(UsageRecords.SCHEMA, "name", (a, b) -> a))
                .isInstanceOf(SpecException.class)
                .hasMessage("example.Usage: no field 'name' to sort by (fields: user, events, bytes)");
        assertThatThrownBy(() -> KeyedRecords.generic(SchemaBuilder.record("P").fields().requiredDouble("x").endRecord(), "x", (a, b) -> a))
                .hasMessage("P: key field 'x' is double; a key must be one of string, bytes, int, long");
    }

    @Test
    void longKeysSortByValue() throws Exception {
        KeyedRecords<GenericRecord> byId = KeyedRecords.generic(SchemaBuilder.record("Hits").fields()
                .requiredLong("id").requiredLong("n").endRecord(), "id", (into, other) -> {
                    into.put("n", (Long) into.get("n") + (Long) other.get("n"));
                    return into;
                });
        Path a = writeHits(byId, "a.avro", 2, 10, 100);
        Path b = writeHits(byId, "b.avro", 9, 10, 1000);
        Path out = new Path(new File(dir, "hits.avro").toURI());
        RecordMerge.files(byId, List.of(a, b), out, Codecs.named("null"), null);
        List<String> seen = new ArrayList<>();
        try (RecordReader<GenericRecord> in = RecordReader.open(byId, out)) {
            while (in.next()) {
                seen.add(in.current().get("id") + "=" + in.current().get("n"));
            }
        }
        assertThat(seen).containsExactly("2=1", "9=1", "10=2", "100=1", "1000=1");
    }

    @Test
    void specificRecordsMergeAndSurviveTheTripToATaskManager() throws Exception {
        KeyedRecords<Visits> visits = KeyedRecords.specific(Visits.class, "page", Visits::add);
        KeyedRecords<Visits> shipped = roundTrip(visits);
        Path a = new Path(new File(dir, "a.avro").toURI());
        Path b = new Path(new File(dir, "b.avro").toURI());
        for (Object[] file : new Object[][] {{a, new Visits[] {new Visits("/home", 3), new Visits("/docs", 1)}},
                {b, new Visits[] {new Visits("/about", 2), new Visits("/home", 4)}}}) {
            Visits[] rows = (Visits[]) file[1];
            Arrays.sort(rows, (x, y) -> visits.compareKeys(x, y));
            try (RecordWriter<Visits> out = RecordWriter.create(shipped, (Path) file[0], Codecs.named("null"))) {
                for (Visits v : rows) {
                    out.write(v);
                }
                out.commit();
            }
        }
        Path out = new Path(new File(dir, "visits.avro").toURI());

        RecordMerge.files(shipped, List.of(a, b), out, Codecs.named("null"), null);

        List<String> seen = new ArrayList<>();
        try (RecordReader<Visits> in = RecordReader.open(shipped, out)) {
            while (in.next()) {
                seen.add(in.current().page() + "=" + in.current().visits());
            }
        }
        assertThat(seen).containsExactly("/about=2", "/docs=1", "/home=7");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private Path writeHits(KeyedRecords<GenericRecord> type, String name, long... ids) throws Exception {
        Path p = new Path(new File(dir, name).toURI());
        try (RecordWriter<GenericRecord> out = RecordWriter.create(type, p, Codecs.named("null"))) {
            for (long id : ids) {
                GenericRecord r = new org.apache.avro.generic.GenericData.Record(type.schema());
                r.put("id", id);
                r.put("n", 1L);
                out.write(r);
            }
            out.commit();
        }
        return p;
    }

    private void merge(Path input) throws Exception {
        RecordMerge.files(USAGE, List.of(input), new Path(new File(dir, "out.avro").toURI()), Codecs.named("null"), null);
    }

    private static List<String> rows(Path file) {
        List<String> rows = new ArrayList<>();
        try (RecordReader<GenericRecord> in = RecordReader.open(USAGE, file)) {
            while (in.next()) {
                GenericRecord r = in.current();
                rows.add(r.get("user") + "," + r.get("events") + "," + r.get("bytes"));
            }
        }
        return rows;
    }
}

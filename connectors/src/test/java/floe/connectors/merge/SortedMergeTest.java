package floe.connectors.merge;

import floe.connectors.avro.Codecs;
import floe.connectors.avro.MetricReader;
import floe.example.Metric;
import floe.testutils.MetricFiles;

import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SortedMergeTest {
    @TempDir
    File dir;

    @Test
    void equalKeysCombine() throws Exception {
        Path a = MetricFiles.write(new File(dir, "a.avro"), "k1,1,5.0,5.0,5.0", "k3,2,3.0,1.0,2.0");
        Path b = MetricFiles.write(new File(dir, "b.avro"), "k1,2,1.5,0.5,1.0", "k2,1,7.0,7.0,7.0");
        Path out = new Path(new File(dir, "out.avro").toURI());

        MergeFiles.Outcome o = MergeFiles.merge(List.of(a, b), out, Codecs.named("null"), null);

        assertThat(o.recordsIn()).isEqualTo(4);
        assertThat(o.recordsOut()).isEqualTo(3);
        assertThat(read(out)).containsExactly("k1,3,6.5,0.5,5.0", "k2,1,7.0,7.0,7.0", "k3,2,3.0,1.0,2.0");
    }

    @Test
    void manyRandomInputsMatchAnInMemoryMerge() throws Exception {
        Random random = new Random(7);
        TreeMap<String, double[]> expected = new TreeMap<>();
        List<Path> inputs = new ArrayList<>();
        for (int f = 0; f < 9; f++) {
            TreeMap<String, double[]> file = new TreeMap<>();
            int n = f == 4 ? 0 : random.nextInt(300);
            for (int i = 0; i < n; i++) {
                double v = random.nextInt(100_000) / 1024.0;
                file.put(String.format("k%04d", random.nextInt(2000)), new double[] {1 + random.nextInt(5), v, v, v});
            }
            List<String> rows = new ArrayList<>();
            file.forEach((k, m) -> {
                rows.add(k + "," + (long) m[0] + "," + m[1] + "," + m[2] + "," + m[3]);
                expected.merge(k, m.clone(), (x, y) -> new double[] {x[0] + y[0], x[1] + y[1], Math.min(x[2], y[2]), Math.max(x[3], y[3])});
            });
            inputs.add(MetricFiles.write(new File(dir, "in-" + f + ".avro"), rows.toArray(new String[0])));
        }
        Path out = new Path(new File(dir, "out.avro").toURI());

        MergeFiles.merge(inputs, out, Codecs.named("deflate"), null);

        List<String> want = new ArrayList<>();
        expected.forEach((k, m) -> want.add(k + "," + (long) m[0] + "," + m[1] + "," + m[2] + "," + m[3]));
        assertThat(read(out)).containsExactlyElementsOf(want);
    }

    @Test
    void sameRecordsToTheSameNameGiveTheSameBytes() throws Exception {
        Path a = MetricFiles.write(new File(dir, "a.avro"), "k1,1,5.0,5.0,5.0", "k3,2,3.0,1.0,2.0");
        File first = new File(dir, "run1/part-00000.avro");
        File second = new File(dir, "run2/part-00000.avro");
        MergeFiles.merge(List.of(a), new Path(first.toURI()), Codecs.named("snappy"), null);
        MergeFiles.merge(List.of(a), new Path(second.toURI()), Codecs.named("snappy"), null);

        assertThat(Files.readAllBytes(second.toPath())).isEqualTo(Files.readAllBytes(first.toPath()));
    }

    @Test
    void manifestCountsAndChecksumsWhatWasWritten() throws Exception {
        Path a = MetricFiles.write(new File(dir, "a.avro"), "k1,1,5.0,5.0,5.0", "k3,2,3.0,1.0,2.0");
        Path b = MetricFiles.write(new File(dir, "b.avro"), "k1,2,1.5,0.5,1.0");
        ManifestBuilder builder = new ManifestBuilder();
        Path out = new Path(new File(dir, "out.avro").toURI());

        MergeFiles.Outcome o = MergeFiles.merge(List.of(a, b), out, Codecs.named("snappy"), builder);
        Manifest m = builder.build(o.recordsIn());

        assertThat(m.records()).isEqualTo(3);
        assertThat(m.distinctKeys()).isEqualTo(2);
        assertThat(m.totalCount()).isEqualTo(5);
        assertThat(m.totalSum()).isEqualTo(9.5);
        assertThat(m.checksum()).startsWith("sha256:").hasSize(7 + 64);
        Path file = new Path(new File(dir, "_SUCCESS").toURI());
        m.writeTo(file);
        assertThat(Manifest.read(file)).isEqualTo(m);
    }

    @Test
    void failedMergeLeavesNoOutput() throws Exception {
        Path a = MetricFiles.write(new File(dir, "a.avro"), "k1,1,5.0,5.0,5.0");
        Path unsorted = MetricFiles.write(new File(dir, "b.avro"), "k5,1,1,1,1", "k2,1,1,1,1");
        File outDir = new File(dir, "out");
        try {
            MergeFiles.merge(List.of(a, unsorted), new Path(new File(outDir, "part-00000.avro").toURI()), Codecs.named("snappy"), null);
        } catch (floe.DataException expected) {
            // the message is MetricReaderTest's business
        }
        assertThat(outDir.list()).isEmpty();
    }

    private static List<String> read(Path p) {
        List<String> rows = new ArrayList<>();
        try (MetricReader in = MetricReader.open(p)) {
            while (in.next()) {
                Metric m = in.current();
                rows.add(m.toString());
            }
        }
        return rows;
    }
}

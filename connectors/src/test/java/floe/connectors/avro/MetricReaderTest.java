package floe.connectors.avro;

import floe.DataException;
import floe.testutils.MetricFiles;

import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricReaderTest {
    @TempDir
    File dir;

    @Test
    void readsRecordsInOrder() throws Exception {
        Path p = MetricFiles.write(new File(dir, "part-00000.avro"), "k1,1,2.5,2.5,2.5", "k2,3,6.0,1.0,3.0");
        List<String> seen = new ArrayList<>();
        try (MetricReader in = MetricReader.open(p)) {
            while (in.next()) {
                seen.add(in.current().toString());
            }
            assertThat(in.records()).isEqualTo(2);
        }
        assertThat(seen).containsExactly("k1,1,2.5,2.5,2.5", "k2,3,6.0,1.0,3.0");
    }

    @Test
    void unsortedInputNamesFileRecordAndKeys() throws Exception {
        Path p = MetricFiles.write(new File(dir, "part-00007.avro"), "k5,1,1,1,1", "k3,1,1,1,1");
        try (MetricReader in = MetricReader.open(p)) {
            in.next();
            assertThatThrownBy(in::next)
                    .isInstanceOf(DataException.class)
                    .hasMessage(p + ": not sorted by key: record 2 has key 'k3' after 'k5' (keys must be strictly increasing within a file)");
        }
    }

    @Test
    void duplicateKeyInOneFileIsNotSorted() throws Exception {
        Path p = MetricFiles.write(new File(dir, "part-00001.avro"), "k5,1,1,1,1", "k5,1,1,1,1");
        try (MetricReader in = MetricReader.open(p)) {
            in.next();
            assertThatThrownBy(in::next).hasMessageContaining("record 2 has key 'k5' after 'k5'");
        }
    }

    @Test
    void anotherSchemaNamesTheField() throws Exception {
        Path p = MetricFiles.writeOtherSchema(new File(dir, "part-00002.avro"));
        assertThatThrownBy(() -> MetricReader.open(p))
                .isInstanceOf(DataException.class)
                .hasMessage(p + ": not a floe.example.Metric file: field 'count' is string, expected long");
    }

    @Test
    void corruptFileNamesThePath() throws Exception {
        File f = new File(dir, "part-00003.avro");
        Files.writeString(f.toPath(), "this is not avro");
        Path p = new Path(f.toURI());
        assertThatThrownBy(() -> MetricReader.open(p))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith(p + ": not a readable Avro file");
    }

    @Test
    void truncatedFileNamesThePath() throws Exception {
        File f = new File(dir, "part-00004.avro");
        StringBuilder big = new StringBuilder();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(String.format("k%08d,1,1,1,1", i));
        }
        MetricFiles.write(f, rows.toArray(new String[0]));
        byte[] bytes = Files.readAllBytes(f.toPath());
        Files.write(f.toPath(), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path p = new Path(f.toURI());
        assertThatThrownBy(() -> {
            try (MetricReader in = MetricReader.open(p)) {
                while (in.next()) {
                    big.setLength(0);
                }
            }
        }).isInstanceOf(DataException.class).hasMessageStartingWith(p + ": truncated: the last complete block ends at byte");
    }

    @Test
    void missingFile() {
        Path p = new Path(new File(dir, "nope.avro").toURI());
        assertThatThrownBy(() -> MetricReader.open(p)).hasMessage(p + ": no such file");
    }
}

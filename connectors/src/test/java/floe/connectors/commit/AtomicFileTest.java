package floe.connectors.commit;

import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFileTest {
    @TempDir
    File dir;

    private String[] names() {
        String[] names = dir.list();
        java.util.Arrays.sort(names);
        return names;
    }

    @Test
    void nothingUnderTheFinalNameUntilCommit() throws Exception {
        File target = new File(dir, "part-00000.avro");
        try (AtomicFile f = AtomicFile.create(new Path(target.toURI()))) {
            f.stream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(target).doesNotExist();
            assertThat(names()).hasSize(1).allSatisfy(n -> assertThat(AtomicFile.isInProgress(n)).isTrue());
            f.commit();
        }
        assertThat(target).hasContent("hello");
        assertThat(names()).containsExactly("part-00000.avro");
    }

    @Test
    void abandonedWriteLeavesNothing() throws Exception {
        try (AtomicFile f = AtomicFile.create(new Path(new File(dir, "part-00000.avro").toURI()))) {
            f.stream().write(1);
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void commitReplacesAnEarlierCopy() throws Exception {
        File target = new File(dir, "result.avro");
        Files.writeString(target.toPath(), "old");
        try (AtomicFile f = AtomicFile.create(new Path(target.toURI()))) {
            f.stream().write("new".getBytes(StandardCharsets.UTF_8));
            f.commit();
        }
        assertThat(target).hasContent("new");
    }

    @Test
    void leftoversOfAKilledWriterAreRemovedByTheNextAttempt() throws Exception {
        Files.writeString(new File(dir, ".part-00003.avro.0b7c.inprogress").toPath(), "half");
        Files.writeString(new File(dir, ".part-00004.avro.1234.inprogress").toPath(), "another task's");
        try (AtomicFile f = AtomicFile.create(new Path(new File(dir, "part-00003.avro").toURI()))) {
            f.commit();
        }
        assertThat(names()).containsExactly(".part-00004.avro.1234.inprogress", "part-00003.avro");
    }
}

package floe.batch;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every broken job set in {@code src/test/resources/batch/broken} gets one message naming the
 * file, the line and column where there is one, and the field: compared with
 * {@code broken.expected} (rewrite with {@code -Dfloe.golden.update=true}).
 */
class BrokenBatchSpecsTest {
    private static final Path DIR = Path.of("src/test/resources/batch/broken");
    private static final Path GOLDEN = Path.of("src/test/resources/batch/broken.expected");

    @Test
    void eachBrokenJobSetGetsOneMessage() throws IOException {
        List<Path> sets;
        try (Stream<Path> dirs = Files.list(DIR)) {
            sets = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(sets).hasSizeGreaterThanOrEqualTo(20);
        StringBuilder got = new StringBuilder();
        for (Path set : sets) {
            try {
                BatchJobs.fromDirectory(set, Map.of(), "/tmp");
                fail(set + " was accepted");
            } catch (SpecException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
                got.append(set.getFileName()).append(": ").append(e.getMessage()).append('\n');
            }
        }
        if (Boolean.getBoolean("floe.golden.update")) {
            Files.writeString(GOLDEN, got.toString(), StandardCharsets.UTF_8);
        }
        assertThat(got.toString()).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }
}

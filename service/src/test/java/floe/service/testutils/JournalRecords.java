package floe.service.testutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Counts the task records in the journal of a running service, by names alone: a record is
 * written to a temporary file beside its stage's directory (".<stage>.<task>.<id>.partial") and
 * renamed into it, so a walk that reads each entry's attributes can fail on a file it has just
 * listed.
 */
public final class JournalRecords {
    private JournalRecords() {
    }

    /** Records of the stages under {@code workflowDir} whose directory name {@code stage} accepts. */
    public static long count(Path workflowDir, Predicate<String> stage) throws IOException {
        if (!Files.isDirectory(workflowDir)) {
            return 0;
        }
        List<Path> stages;
        try (Stream<Path> entries = Files.list(workflowDir)) {
            stages = entries.filter(d -> !d.getFileName().toString().startsWith(".") && stage.test(d.getFileName().toString()))
                    .toList();
        }
        long count = 0;
        for (Path dir : stages) {
            try (Stream<Path> files = Files.list(dir)) {
                count += files.filter(f -> f.getFileName().toString().matches("task-\\d+\\.json")).count();
            }
        }
        return count;
    }
}

package floe.exec;

import floe.model.TaskCompletion;
import floe.model.TaskOutcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal on a local disk: what is recorded, what a resumed run takes from it, and when it runs a task again. */
class TaskJournalTest {
    @TempDir
    Path dir;

    private String journal() {
        return dir.resolve("journal").toUri().toString();
    }

    private static TaskCompletion succeeded(int index, Map<String, String> outputs, List<String> files) {
        return new TaskCompletion("s", index, 2, 1000 + index, 2000 + index, outputs, files);
    }

    @Test
    void aResumedRunGetsTheRecordedCompletionExactly() throws Exception {
        Path out = Files.writeString(dir.resolve("part-1"), "x");
        Path artifact = Files.writeString(dir.resolve("artifact.tgz"), "y");
        TaskCompletion done = succeeded(1, Map.of(TaskOutcome.EXIT_CODE, "0", TaskOutcome.RESULT, "made\nit",
                TaskOutcome.parameterKey("p"), "v", TaskOutcome.artifactKey("a"), artifact.toUri() + "#floe:x=1"), List.of(out.toUri().toString()));
        TaskJournal.of(journal(), null).stage("wf", "s").record(done, false);

        TaskJournal.Stage resumed = TaskJournal.of(null, journal()).stage("wf", "s");

        assertThat(resumed.recorded(1)).contains(done);
        assertThat(resumed.recorded(0)).isEmpty();
        assertThat(TaskJournal.recorded(journal(), "wf", "s")).containsExactly(done);
        assertThat(TaskJournal.of(null, journal()).stage("other", "s").recorded(1)).isEmpty();
        try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.resolve("journal").relativize(p).toString()))
                    .containsExactly("wf/s/task-1.json");
        }
    }

    @Test
    void aTaskWhoseFileOrArtifactIsGoneRunsAgain() throws Exception {
        Path out = Files.writeString(dir.resolve("part-1"), "x");
        Path artifact = Files.writeString(dir.resolve("artifact.tgz"), "y");
        TaskJournal.Stage stage = TaskJournal.of(journal(), null).stage("wf", "s");
        stage.record(succeeded(1, Map.of(), List.of(out.toUri().toString())), false);
        stage.record(succeeded(2, Map.of(TaskOutcome.artifactKey("a"), artifact.toUri().toString()), List.of()), false);
        Files.delete(out);
        Files.delete(artifact);

        TaskJournal.Stage resumed = TaskJournal.of(null, journal()).stage("wf", "s");

        assertThat(resumed.recorded(1)).isEmpty();
        assertThat(resumed.recorded(2)).isEmpty();
    }

    @Test
    void onlyTasksThatSucceededOutsideFloesOwnStagesAndNoDaemonsAreRecorded() throws Exception {
        TaskJournal journal = TaskJournal.of(journal(), journal());
        journal.stage("wf", "s").record(succeeded(0, Map.of(TaskOutcome.PHASE, "Skipped"), List.of()), false);
        journal.stage("wf", "s").record(succeeded(1, Map.of(TaskOutcome.PHASE, "Failed"), List.of()), false);
        journal.stage("wf", "s").record(succeeded(2, Map.of(TaskOutcome.IP, "127.0.0.1"), List.of()), false);
        journal.stage("wf", "floe.run-directory").record(new TaskCompletion("floe.run-directory", 0, 1, 0, 1, Map.of(), List.of()), false);

        assertThat(dir.resolve("journal")).doesNotExist();
    }

    @Test
    void aRecordCutShortOrForeignCountsAsAbsentAndForgettingMakesTheTaskRunAgain() throws Exception {
        TaskJournal.Stage stage = TaskJournal.of(journal(), null).stage("wf", "s");
        stage.record(succeeded(1, Map.of(), List.of()), false);
        stage.record(succeeded(2, Map.of(), List.of()), false);
        Path stageDir = dir.resolve("journal/wf/s");
        Files.writeString(stageDir.resolve("task-3.json"), "{\"stage\": \"s\", \"ind");
        Files.writeString(stageDir.resolve("task-4.json"), "{\"stage\": \"t\", \"index\": 4}");

        TaskJournal.forget(journal(), "wf", "s", 2);
        TaskJournal.Stage resumed = TaskJournal.of(null, journal()).stage("wf", "s");

        assertThat(resumed.recorded(1)).isPresent();
        assertThat(resumed.recorded(2)).isEmpty();
        assertThat(resumed.recorded(3)).isEmpty();
        assertThat(resumed.recorded(4)).isEmpty();
        TaskJournal.forget(journal(), "wf");
        assertThat(dir.resolve("journal/wf")).doesNotExist();
    }

    @Test
    void aResumedRunWritingAnotherJournalCarriesTheTasksItTookOver() throws Exception {
        TaskJournal.of(journal(), null).stage("wf", "s").record(succeeded(1, Map.of(), List.of()), false);
        String next = dir.resolve("next").toUri().toString();
        TaskJournal.Stage stage = TaskJournal.of(next, journal()).stage("wf", "s");

        TaskCompletion earlier = stage.recorded(1).orElseThrow();
        stage.record(earlier, true);

        assertThat(TaskJournal.recorded(next, "wf", "s")).containsExactly(earlier);
    }

    @Test
    void aRunResumingFromTheJournalItWritesNeverMeetsAHalfWrittenRecord() throws Exception {
        TaskJournal.Stage writing = TaskJournal.of(journal(), journal()).stage("wf", "s");
        writing.record(succeeded(0, Map.of(), List.of()), false);
        java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= 400; i++) {
                try {
                    writing.record(succeeded(i, Map.of(), List.of()), false);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });

        int lists = 0;
        while (!writer.isDone() || lists == 0) {
            // A listing that met a record being written would throw here (a file gone before it was looked at).
            assertThat(TaskJournal.recorded(journal(), "wf", "s")).isNotEmpty();
            lists++;
        }
        writer.get();

        assertThat(TaskJournal.recorded(journal(), "wf", "s")).hasSize(401);
        try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
            assertThat(files.filter(Files::isRegularFile)).allMatch(p -> p.getFileName().toString().matches("task-\\d+\\.json"));
        }
    }
}

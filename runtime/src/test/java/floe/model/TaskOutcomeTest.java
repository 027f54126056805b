package floe.model;

import floe.exec.TaskExecutor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** A completion's outputs read as a phase, exit code, result and output parameters. */
class TaskOutcomeTest {
    @TempDir
    Path dir;

    private TaskCompletion run(Stage stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, dir.resolve("logs"))) {
            return executor.run(0, List.of());
        }
    }

    @Test
    void aCommandThatRanReadsAsSucceededWithItsExitCodeResultAndParameters() throws Exception {
        Path answer = dir.resolve("answer");
        Stage stage = Stage.named("s").command(ctx -> Command.of("sh", "-c", "echo hi; echo 42 > \"$1\"; exit 0", "sh", answer.toString())
                .withOutputFiles(List.of(new Command.OutputFile("answer", answer.toString(), null)))).build();

        TaskOutcome outcome = run(stage).outcome();

        assertThat(outcome.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(outcome.exitCode()).hasValue(0);
        assertThat(outcome.result()).hasValue("hi");
        assertThat(outcome.message()).isEmpty();
        assertThat(outcome.parameter("answer")).hasValue("42");
        assertThat(outcome.parameter("question")).isEmpty();
        assertThat(outcome.parameters()).containsExactly(entry("answer", "42"));
    }

    @Test
    void aSkippedTaskReadsAsSkippedWithItsReasonAndNoExitCodeOrResult() throws Exception {
        Stage stage = Stage.named("s").command(ctx -> {
            ctx.skip("when 'false' was false");
            return null;
        }).build();

        TaskOutcome outcome = run(stage).outcome();

        assertThat(outcome.phase()).isEqualTo(Phase.SKIPPED);
        assertThat(outcome.message()).hasValue("when 'false' was false");
        assertThat(outcome.exitCode()).isEmpty();
        assertThat(outcome.result()).isEmpty();
        assertThat(outcome.parameters()).isEmpty();
    }

    @Test
    void aFailedTaskOfAStageThatContinuesReadsAsFailedWithItsExitCodeAndWhy() throws Exception {
        Stage stage = Stage.named("s").continueOnFailure(true).command(ctx -> Command.of("sh", "-c", "echo out; echo broken >&2; exit 3"))
                .build();

        TaskOutcome outcome = run(stage).outcome();

        assertThat(outcome.phase()).isEqualTo(Phase.FAILED);
        assertThat(outcome.exitCode()).hasValue(3);
        assertThat(outcome.result()).as("only a zero exit has a result").isEmpty();
        assertThat(outcome.message()).hasValueSatisfying(m -> assertThat(m).contains("broken"));
    }

    @Test
    void theStoredFormIsTheMapOfArgoSpelledPhasesAndPrefixedParameters() {
        TaskCompletion c = new TaskCompletion("s", 0, 1, 0, 0,
                Map.of("phase", "Skipped", "exitCode", "0", "outputs.parameters.p", "v", "n", "5"), List.of());

        assertThat(c.outcome().phase()).isEqualTo(Phase.SKIPPED);
        assertThat(c.outcome().exitCode()).hasValue(0);
        assertThat(c.outcome().parameters()).containsExactly(entry("p", "v"));
        assertThat(new TaskCompletion("s", 0, 1, 0, 0, Map.of(), List.of()).outcome().phase()).as("no phase: succeeded")
                .isEqualTo(Phase.SUCCEEDED);
        assertThat(Phase.FAILED).hasToString("Failed");
        assertThatThrownBy(() -> Phase.ofArgoName("Error")).hasMessageContaining("no task phase 'Error'");
    }
}

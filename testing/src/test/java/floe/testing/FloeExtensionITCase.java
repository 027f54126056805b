package floe.testing;

import floe.model.Command;
import floe.model.RetryPolicy;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness as a user's test meets it: a workflow run, its outcome asserted, faults injected. */
class FloeExtensionITCase {
    @RegisterExtension
    static final FloeExtension floe = FloeExtension.embedded();

    @TempDir
    Path dir;

    /** 8 squares, summed in pairs (pointwise), then in all (fan-in). */
    private static Workflow squares(RetryPolicy retry) {
        return Workflow.named("squares")
                .stage("square", s -> s.withSequence(8).retry(retry).run(ctx ->
                        ctx.output("value", Integer.toString(ctx.index() * ctx.index()))))
                .stage("pair", s -> s.withSequence(4).pointwise("square", 2).retry(retry).run(ctx ->
                        ctx.output("value", Integer.toString(sum(ctx.inputs())))))
                .stage("total", s -> s.after("pair").run(ctx -> ctx.output("value", Integer.toString(sum(ctx.inputs())))))
                .build();
    }

    private static int sum(java.util.List<TaskCompletion> inputs) {
        return inputs.stream().mapToInt(c -> Integer.parseInt(c.outputs().get("value"))).sum();
    }

    @Test
    void aRunShowsItsStagesAndEveryTasksOutputs() {
        WorkflowOutcome run = floe.run(squares(RetryPolicy.none()));

        run.assertSucceeded()
                .assertStage("square", 8, 0)
                .assertStage("pair", 4, 0)
                .assertOutput("pair", 3, "value", "85")
                .assertOutput("total", 0, "value", "140");
        assertThat(run.tasks("square")).extracting(TaskCompletion::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(run.result().stages()).extracting(s -> s.stage()).containsExactly("square", "pair", "total");
    }

    @Test
    void aFailureOnTheFirstAttemptIsRetried() {
        WorkflowOutcome run = floe.run(squares(RetryPolicy.attempts(2)), TaskFault.failTask("pair", 1).onAttempt(1));

        run.assertSucceeded().assertStage("pair", 4, 1).assertOutput("total", 0, "value", "140");
        assertThat(run.task("pair", 1).attempts()).isEqualTo(2);
        assertThat(run.task("pair", 0).attempts()).isEqualTo(1);
    }

    @Test
    void aFailureOnEveryAttemptFailsTheRunNamingTheTask() {
        WorkflowOutcome run = floe.run(squares(RetryPolicy.attempts(2)), TaskFault.failTask("square", 5).onEveryAttempt());

        assertThat(run.succeeded()).isFalse();
        run.assertFailed("square", 5, "failed after 2 attempts: injected failure: stage 'square' task 5 attempt 2");
        assertThatThrownBy(run::assertSucceeded).isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("workflow 'squares' failed: stage 'square' task 5 failed after 2 attempts");
    }

    @Test
    void commandTasksTakeFaultsTooAndFilesAreChecked() {
        Path out = dir.resolve("out");
        String outDir = out.toString();
        Workflow wf = Workflow.named("touch")
                .stage("touch", s -> s.withSequence(3).retry(RetryPolicy.attempts(3)).command(ctx -> {
                    Path file = Files.createDirectories(Path.of(outDir)).resolve("t" + ctx.index());
                    ctx.wrote(file.toUri().toString());
                    return Command.of("touch", file.toString());
                }))
                .build();

        WorkflowOutcome run = floe.run(wf, TaskFault.failTask("touch", 2).onAttempt(1), TaskFault.failTask("touch", 2).onAttempt(2));

        run.assertSucceeded().assertStage("touch", 3, 2).assertFiles(out, "t0", "t1", "t2");
        assertThat(run.files()).hasSize(3).allMatch(f -> f.startsWith("file:"));
        assertThatThrownBy(() -> run.assertFiles(out, "t0", "t1"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("expected exactly these files");
    }

    @Test
    void aWrongExpectationSaysWhatWasThere() {
        WorkflowOutcome run = floe.run(squares(RetryPolicy.none()));

        assertThatThrownBy(() -> run.assertOutput("total", 0, "value", "141"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("stage 'total' task 0 output 'value' ==> expected: <141> but was: <140>");
        assertThatThrownBy(() -> run.output("total", 0, "sum"))
                .hasMessage("stage 'total' task 0 reported no output 'sum' (outputs: [phase, value])");
        assertThatThrownBy(() -> run.stage("merge"))
                .hasMessage("workflow 'squares' has no stage 'merge' (stages: [square, pair, total])");
    }
}

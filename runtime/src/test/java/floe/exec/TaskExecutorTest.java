package floe.exec;

import floe.DataException;
import floe.TaskFailedException;
import floe.model.RetryPolicy;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.TaskFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskExecutorTest {
    private final List<Long> slept = new ArrayList<>();

    @TempDir
    Path logs;

    private TaskExecutor executor(Stage stage) {
        return new TaskExecutor("wf", Map.of("p", "workflow", "q", "workflow"), stage, logs, slept::add);
    }

    @Test
    void retriesWithBackoffUntilAnAttemptSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Stage stage = Stage.named("s").withSequence(4)
                .retry(RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(100), 3.0, Duration.ZERO))
                .run(ctx -> {
                    calls.incrementAndGet();
                    if (ctx.attempt() < 3) {
                        throw new java.io.IOException("try " + ctx.attempt());
                    }
                    ctx.output("attempt", Integer.toString(ctx.attempt()));
                })
                .build();

        TaskCompletion done = executor(stage).run(2, List.of());

        assertThat(calls).hasValue(3);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.index()).isEqualTo(2);
        assertThat(done.outputs()).containsEntry("attempt", "3");
        assertThat(slept).containsExactly(100L, 300L);
    }

    @Test
    void lastFailureNamesStageIndexAttemptsAndCause() {
        Stage stage = Stage.named("merge").retry(RetryPolicy.attempts(2))
                .run(ctx -> { throw new IllegalStateException("disk full"); }).build();

        assertThatThrownBy(() -> executor(stage).run(0, List.of()))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("stage 'merge' task 0 failed after 2 attempts: IllegalStateException: disk full")
                .satisfies(e -> assertThat(((TaskFailedException) e).attempts()).isEqualTo(2));
    }

    @Test
    void badDataIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Stage stage = Stage.named("merge").retry(RetryPolicy.attempts(5)).run(ctx -> {
            calls.incrementAndGet();
            throw new DataException("file:/in/part-00001.avro: not sorted");
        }).build();

        assertThatThrownBy(() -> executor(stage).run(0, List.of()))
                .hasMessage("stage 'merge' task 0 failed after 1 attempt: file:/in/part-00001.avro: not sorted");
        assertThat(calls).hasValue(1);
    }

    @Test
    void attemptPastTheTimeoutIsStoppedAndRetried() throws Exception {
        TaskFunction slowFirst = ctx -> {
            if (ctx.attempt() == 1) {
                Thread.sleep(60_000);
            }
        };
        Stage stage = Stage.named("slow").timeout(Duration.ofMillis(200)).retry(RetryPolicy.attempts(2)).run(slowFirst).build();

        TaskCompletion done = executor(stage).run(0, List.of());

        assertThat(done.attempts()).isEqualTo(2);
    }

    @Test
    void timeoutOnEveryAttemptFailsTheTask() {
        Stage stage = Stage.named("slow").timeout(Duration.ofMillis(100)).run(ctx -> Thread.sleep(60_000)).build();

        assertThatThrownBy(() -> executor(stage).run(3, List.of()))
                .hasMessage("stage 'slow' task 3 failed after 1 attempt: stage 'slow' task 3 attempt 1 ran longer than its timeout of 0.1s and was stopped");
    }

    @Test
    void contextCarriesIndexParametersAndInputs() throws Exception {
        TaskCompletion upstream = new TaskCompletion("up", 7, 1, 0, 1, Map.of("n", "5"), List.of("file:/x"));
        Stage stage = Stage.named("s").withSequence(10).parameter("q", "stage").run(ctx -> {
            ctx.output("seen", ctx.workflow() + "/" + ctx.stage() + "/" + ctx.index() + "/" + ctx.tasks()
                    + "/" + ctx.parameters() + "/" + ctx.inputs().get(0).outputs().get("n"));
            ctx.wrote("file:/out/part-3");
        }).build();

        TaskCompletion done = executor(stage).run(3, List.of(upstream));

        assertThat(done.outputs().get("seen")).isEqualTo("wf/s/3/10/{p=workflow, q=stage}/5");
        assertThat(done.files()).containsExactly("file:/out/part-3");
    }
}

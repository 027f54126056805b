package floe.exec;

import floe.TaskFailedException;
import floe.model.Command;
import floe.model.RetryPolicy;
import floe.model.Stage;
import floe.model.Phase;
import floe.model.TaskCompletion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A subtask's block of tasks run several at once, with real processes where processes matter. */
class ConcurrentTasksTest {
    @TempDir
    Path logs;

    /** Tasks that each hold a place for {@code millis}, counting how many hold one at once. */
    private static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        TaskCompletion hold(String stage, int index, long millis) throws InterruptedException {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } finally {
                now.decrementAndGet();
            }
            return new TaskCompletion(stage, index, 1, 0, 0, Map.of(), List.of());
        }
    }

    @Test
    void runsAtMostItsLimitAtOnceAndHandsEveryCompletionOnOnTheCallersThread() throws Exception {
        Gauge gauge = new Gauge();
        Thread caller = Thread.currentThread();
        List<Integer> done = new ArrayList<>();
        List<Thread> handedOnBy = new ArrayList<>();
        try (ConcurrentTasks block = new ConcurrentTasks("s", 4, null, c -> {
            done.add(c.index());
            handedOnBy.add(Thread.currentThread());
        })) {
            for (int i = 0; i < 12; i++) {
                int index = i;
                block.start(() -> gauge.hold("s", index, 100));
            }
            block.finish();
        }

        assertThat(gauge.most).hasValue(4);
        assertThat(done).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(handedOnBy).containsOnly(caller);
    }

    @Test
    void aLimitOfOneRunsEachTaskOnTheCallersThreadInTheOrderGiven() throws Exception {
        Thread caller = Thread.currentThread();
        List<Integer> order = new ArrayList<>();
        try (ConcurrentTasks block = new ConcurrentTasks("s", 1, null, c -> order.add(c.index()))) {
            for (int i = 0; i < 5; i++) {
                int index = i;
                block.start(() -> {
                    assertThat(Thread.currentThread()).isSameAs(caller);
                    return new TaskCompletion("s", index, 1, 0, 0, Map.of(), List.of());
                });
            }
            block.finish();
        }

        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void blocksOfOneWorkflowShareItsLimit() throws Exception {
        Gauge gauge = new Gauge();
        try (WorkflowPermits permits = WorkflowPermits.of("job-1", 3)) {
            List<CompletableFuture<Void>> blocks = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                blocks.add(CompletableFuture.runAsync(() -> {
                    try (ConcurrentTasks block = new ConcurrentTasks("s", 4, permits, c -> {})) {
                        for (int i = 0; i < 8; i++) {
                            int index = i;
                            block.start(() -> gauge.hold("s", index, 50));
                        }
                        block.finish();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(blocks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }

        assertThat(gauge.most).hasValue(3);
        assertThat(WorkflowPermits.jobs()).isZero();
    }

    @Test
    void theFirstFailureIsThrownAndTheOtherRunningCommandsAreKilled() throws Exception {
        // Task 3 fails at once; the others would sleep for a minute.
        Stage stage = Stage.named("s").withSequence(6)
                .command(ctx -> ctx.index() == 3 ? Command.of("sh", "-c", "sleep 0.3; echo broken >&2; exit 7") : Command.of("sleep", "60"))
                .build();
        List<TaskCompletion> done = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs);
                ConcurrentTasks block = new ConcurrentTasks("s", 6, null, done::add)) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 6; i++) {
                    int index = i;
                    block.start(() -> executor.run(index, List.of()));
                }
                block.finish();
            }).isInstanceOf(TaskFailedException.class).hasMessageContaining("stage 's' task 3 failed after 1 attempt");

            assertThat(sleeping()).isEmpty();
        }
        assertThat(done).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void retriesOfOneTaskDoNotHoldUpTheOthers() throws Exception {
        // Task 0 fails twice, then succeeds; each attempt of any task takes 0.2 s.
        Stage stage = Stage.named("s").withSequence(4).retry(RetryPolicy.attempts(3))
                .command(ctx -> Command.of("sh", "-c", "sleep 0.2; [ $0 -ne 0 ] || [ $1 -ge 3 ]", "" + ctx.index(), "" + ctx.attempt()))
                .build();
        List<TaskCompletion> done = new ArrayList<>();
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs);
                ConcurrentTasks block = new ConcurrentTasks("s", 4, null, done::add)) {
            for (int i = 0; i < 4; i++) {
                int index = i;
                block.start(() -> executor.run(index, List.of()));
            }
            block.finish();
        }

        assertThat(done).extracting(TaskCompletion::index).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(done).filteredOn(c -> c.index() == 0).extracting(TaskCompletion::attempts).containsExactly(3);
        // The three others ran beside task 0's first attempt and were done before its last.
        long lastOthers = done.stream().filter(c -> c.index() != 0).mapToLong(TaskCompletion::endMillis).max().orElseThrow();
        long zeroEnd = done.stream().filter(c -> c.index() == 0).mapToLong(TaskCompletion::endMillis).max().orElseThrow();
        assertThat(lastOthers).isLessThan(zeroEnd);
    }

    @Test
    void timeoutsSkipsAndContinueOnFailureApplyToEachTaskAsWhenRunAlone() throws Exception {
        // Task 1 runs past the timeout on both attempts; task 2 is skipped (its command would fail).
        Stage stage = Stage.named("s").withSequence(4).timeout(Duration.ofMillis(500)).retry(RetryPolicy.attempts(2))
                .continueOnFailure(true)
                .command(ctx -> {
                    if (ctx.index() == 2) {
                        ctx.skip("when was false");
                        return Command.of("false");
                    }
                    return ctx.index() == 1 ? Command.of("sleep", "30") : Command.of("sleep", "0.2");
                })
                .build();
        List<TaskCompletion> done = new ArrayList<>();
        long start = System.nanoTime();
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs);
                ConcurrentTasks block = new ConcurrentTasks("s", 4, null, done::add)) {
            for (int i = 0; i < 4; i++) {
                int index = i;
                block.start(() -> executor.run(index, List.of()));
            }
            block.finish();
        }

        done.sort(java.util.Comparator.comparingInt(TaskCompletion::index));
        assertThat(done).extracting(c -> c.outcome().phase()).containsExactly(Phase.SUCCEEDED, Phase.FAILED, Phase.SKIPPED, Phase.SUCCEEDED);
        assertThat(done.get(1).attempts()).isEqualTo(2);
        assertThat(done.get(1).outcome().message()).hasValueSatisfying(m -> assertThat(m).contains("ran longer than its timeout of 0.5s"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        // A timed-out attempt's process is killed by the thread it ran on, a moment after the attempt gave up.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sleeping().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(sleeping()).isEmpty();
    }

    @Test
    void anInterruptedCallerLeavesNoProcessRunning() throws Exception {
        Stage stage = Stage.named("s").withSequence(4).command("sleep", "60").build();
        CompletableFuture<Thread> caller = new CompletableFuture<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            caller.complete(Thread.currentThread());
            try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs);
                    ConcurrentTasks block = new ConcurrentTasks("s", 4, null, c -> {})) {
                for (int i = 0; i < 4; i++) {
                    int index = i;
                    block.start(() -> executor.run(index, List.of()));
                }
                block.finish();
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        });
        thread.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sleeping().size() < 4 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(sleeping()).hasSize(4);

        caller.get().interrupt(); // what Flink does to a cancelled task's thread

        assertThat(ended.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(sleeping()).isEmpty();
    }

    /** The {@code sleep} processes this JVM started that still run. */
    private static List<ProcessHandle> sleeping() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                .toList();
    }
}

package floe.run;

import floe.TaskFailedException;
import floe.model.RetryPolicy;
import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded default, as bin/floe runs it: its own Flink, region scheduling, progress. */
class EmbeddedRunnerITCase {
    private static final Configuration SETTINGS = new Configuration();
    private static EmbeddedRunner flink;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        SETTINGS.set(FloeOptions.EMBEDDED_SLOTS, 4);
        SETTINGS.set(FloeOptions.MAX_PARALLELISM, 4);
        flink = EmbeddedRunner.start(SETTINGS);
    }

    @AfterAll
    static void stop() {
        flink.close();
    }

    @Test
    void levelTwoTaskStartsBeforeASlowLevelOneTaskEnds() {
        // Level-1 task 0 waits until level-2 task 1 (which reads tasks 2 and 3) has run. Under a
        // scheduler that waits for the whole level, task 0 would time out and fail the run.
        String marks = dir.toString();
        Workflow wf = Workflow.named("early-start")
                .stage("l1", s -> s.withSequence(4).run(ctx -> {
                    if (ctx.index() == 0) {
                        awaitFile(Path.of(marks, "l2-1"), Duration.ofSeconds(60));
                    }
                    Files.writeString(Path.of(marks, "l1-" + ctx.index()), "done");
                }))
                .stage("l2", s -> s.withSequence(2).pointwise("l1", 2).run(ctx ->
                        Files.writeString(Path.of(marks, "l2-" + ctx.index()), "done")))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stage("l1").tasks()).isEqualTo(4);
        assertThat(result.stage("l2").tasks()).isEqualTo(2);
        assertThat(dir.resolve("l2-0")).exists();
    }

    /**
     * Java tasks of a stage whose one slow subtask is left alone: once the other subtasks ended,
     * it runs its tasks two at a time on their slots, each running task with its own copy of the
     * function (whose guard fails a task entered while another runs).
     */
    @Test
    void theLastSubtaskOfALevelBorrowsTheSlotsOfThoseThatEnded() throws Exception {
        Path marks = dir;
        Workflow wf = Workflow.named("loans")
                .stage("l1", s -> s.withSequence(16).run(ctx -> { }))
                .stage("l2", s -> s.withSequence(16).pointwise("l1", 1).run(new OneAtATime(marks.toString())))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stage("l2").tasks()).isEqualTo(16);
        // tasks 12-15 are the last subtask's block (4 slots, 4 subtasks); each wrote when it ran
        List<long[]> slow = new ArrayList<>();
        for (int i = 12; i < 16; i++) {
            String[] times = Files.readString(marks.resolve("l2-" + i)).split(" ");
            slow.add(new long[] {Long.parseLong(times[0]), Long.parseLong(times[1])});
        }
        boolean overlap = false;
        for (int a = 0; a < slow.size(); a++) {
            for (int b = a + 1; b < slow.size(); b++) {
                overlap |= slow.get(a)[0] < slow.get(b)[1] && slow.get(b)[0] < slow.get(a)[1];
            }
        }
        assertThat(overlap).as("two tasks of the last block ran at once: %s", slow.stream().map(java.util.Arrays::toString).toList()).isTrue();
    }

    /** A function that is not safe to share: it fails a task that enters while another runs in it. */
    private static final class OneAtATime implements floe.model.TaskFunction {
        private final String marks;
        private transient java.util.concurrent.atomic.AtomicBoolean busy;

        OneAtATime(String marks) {
            this.marks = marks;
        }

        @Override
        public void run(floe.model.TaskContext ctx) throws Exception {
            synchronized (this) {
                if (busy == null) {
                    busy = new java.util.concurrent.atomic.AtomicBoolean();
                }
            }
            if (!busy.compareAndSet(false, true)) {
                throw new IllegalStateException("task " + ctx.index() + " entered a function object another task runs in");
            }
            try {
                long start = System.nanoTime();
                if (ctx.index() >= 12) {
                    Thread.sleep(400);
                }
                Files.writeString(Path.of(marks, "l2-" + ctx.index()), start + " " + System.nanoTime());
            } finally {
                busy.set(false);
            }
        }
    }

    @Test
    void aFlinkThatCannotStartSaysWhyDownToTheCause() throws Exception {
        // Flink's own message is "Could not create the DispatcherResourceManagerComponent."
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Configuration conf = new Configuration();
            conf.set(org.apache.flink.configuration.RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> EmbeddedRunner.start(conf))
                    .isInstanceOf(floe.FloeException.class)
                    .hasMessageStartingWith("could not start the embedded Flink: ")
                    .hasMessageContaining("port range " + taken.getLocalPort());
        }
    }

    /** A command compiles its workflow while the embedded Flink starts; the exit handler still runs after it. */
    @Test
    void aWorkflowCompiledAheadRunsThenItsExitHandlerSeesHowItEnded() throws Exception {
        String marks = dir.toString();
        Workflow wf = Workflow.named("ahead")
                .stage("a", s -> s.withSequence(3).run(ctx -> Files.writeString(Path.of(marks, "a-" + ctx.index()), "done")))
                .stage("b", s -> s.after("a").run(ctx -> Files.writeString(Path.of(marks, "b"), "done")))
                .onExit(Workflow.named("ahead-exit")
                        .stage("report", s -> s.run(ctx -> Files.writeString(Path.of(marks, "exit"),
                                ctx.parameters().get(Workflow.STATUS_PARAMETER))))
                        .build())
                .build();

        EmbeddedRunner.Prepared ahead = EmbeddedRunner.prepare(wf, SETTINGS);
        RunResult result = flink.run(ahead, ProgressListener.none());

        assertThat(result.stage("a").tasks()).isEqualTo(3);
        assertThat(result.stage("b").tasks()).isEqualTo(1);
        assertThat(List.of("a-0", "a-1", "a-2", "b")).allMatch(f -> Files.exists(dir.resolve(f)));
        assertThat(Files.readString(dir.resolve("exit"))).isEqualTo(ExitHandlers.SUCCEEDED);
    }

    @Test
    void taskFailingTwiceSucceedsOnItsThirdAttempt() {
        Workflow wf = Workflow.named("flaky")
                .stage("only", s -> s.withSequence(3).retry(RetryPolicy.attempts(3)).run(ctx -> {
                    if (ctx.index() == 1 && ctx.attempt() < 3) {
                        throw new IllegalStateException("flaky disk on attempt " + ctx.attempt());
                    }
                }))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stage("only").tasks()).isEqualTo(3);
        assertThat(result.stage("only").attempts()).isEqualTo(5);
        assertThat(result.stage("only").retries()).isEqualTo(2);
    }

    @Test
    void taskOutOfAttemptsFailsTheRunNamingStageIndexAttemptsAndCause() {
        Workflow wf = Workflow.named("broken")
                .stage("first", s -> s.withSequence(2).run(ctx -> {}))
                .stage("second", s -> s.withSequence(2).after("first").retry(RetryPolicy.attempts(2)).run(ctx -> {
                    if (ctx.index() == 1) {
                        throw new IllegalStateException("disk full");
                    }
                }))
                .build();

        assertThatThrownBy(() -> flink.run(wf, ProgressListener.none()))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("stage 'second' task 1 failed after 2 attempts: IllegalStateException: disk full");
    }

    @Test
    void progressReportsEveryStageDoneAtTheEnd() {
        List<List<StageProgress>> updates = new ArrayList<>();
        Workflow wf = Workflow.named("progress")
                .stage("a", s -> s.withSequence(6).run(ctx -> {}))
                .stage("b", s -> s.withSequence(3).pointwise("a", 2).run(ctx -> {}))
                .stage("c", s -> s.after("b").run(ctx -> {}))
                .build();

        flink.run(wf, (stages, finished) -> updates.add(stages));

        assertThat(updates.get(updates.size() - 1))
                .extracting(StageProgress::stage, StageProgress::tasksDone, StageProgress::tasks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", 6, 6),
                        org.assertj.core.groups.Tuple.tuple("b", 3, 3),
                        org.assertj.core.groups.Tuple.tuple("c", 1, 1));
    }

    @Test
    void tasksBeyondTheParallelismCapGetExactlyTheirInputs() {
        // 10 -> 5 tasks on at most 4 subtasks: the blocks do not line up, so completions are routed.
        Workflow wf = Workflow.named("routed")
                .stage("a", s -> s.withSequence(10).run(ctx -> ctx.output("i", Integer.toString(ctx.index()))))
                .stage("b", s -> s.withSequence(5).pointwise("a", 2).run(ctx -> {
                    List<String> got = ctx.inputs().stream().map(c -> c.stage() + c.outputs().get("i")).toList();
                    List<String> want = List.of("a" + (2 * ctx.index()), "a" + (2 * ctx.index() + 1));
                    if (!got.equals(want)) {
                        throw new IllegalStateException("task " + ctx.index() + " got " + got + ", wanted " + want);
                    }
                }))
                .stage("c", s -> s.after("b").run(ctx -> {
                    if (ctx.inputs().size() != 5) {
                        throw new IllegalStateException("c got " + ctx.inputs().size() + " inputs");
                    }
                }))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stages()).extracting(StageResult::tasks).containsExactly(10, 5, 1);
    }

    @Test
    void aStageSizedAtRunTimeRunsAsManyTasksAsItsInputsSay() {
        Workflow wf = Workflow.named("dynamic")
                .stage("plan", s -> s.withSequence(2).run(ctx -> ctx.output("n", Integer.toString(3 + ctx.index()))))
                .stage("work", s -> s.after("plan")
                        .withTasksFrom(100, inputs -> inputs.stream().mapToInt(c -> Integer.parseInt(c.outputs().get("n"))).sum())
                        .run(ctx -> {
                            if (ctx.tasks() != 7) {
                                throw new IllegalStateException("tasks() is " + ctx.tasks());
                            }
                        }))
                .stage("none", s -> s.after("work").withTasksFrom(10, inputs -> 0).run(ctx -> {
                    throw new IllegalStateException("no task should run");
                }))
                .stage("end", s -> s.after("none").run(ctx -> {}))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stages()).extracting(StageResult::tasks).containsExactly(2, 7, 0, 1);
    }

    @Test
    void aRunPastItsDeadlineIsStopped() {
        Workflow wf = Workflow.named("slow")
                .deadline(Duration.ofSeconds(2))
                .stage("sleepy", s -> s.run(ctx -> Thread.sleep(60_000)))
                .build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> flink.run(wf, ProgressListener.none()))
                .isInstanceOf(floe.FloeException.class)
                .hasMessage("workflow 'slow' ran longer than its deadline of 2s and was stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    private static void awaitFile(Path file, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + limit);
            }
            Thread.sleep(20);
        }
    }
}

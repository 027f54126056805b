package floe.run;

import floe.FloeException;
import floe.TaskFailedException;
import floe.model.Command;
import floe.model.Stage;
import floe.model.TaskCompletion;
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
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Command tasks run several at once on the embedded Flink, as bin/floe runs them: 2 slots, the
 * task times read back from the completions a later stage receives.
 */
class ConcurrentCommandsITCase {
    private static EmbeddedRunner flink;

    @TempDir
    static Path logs;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Configuration conf = new Configuration();
        conf.set(FloeOptions.EMBEDDED_SLOTS, 2);
        conf.set(FloeOptions.TASK_LOG_DIR, logs.toString());
        flink = EmbeddedRunner.start(conf);
    }

    @AfterAll
    static void stop() {
        flink.close();
    }

    /** A start or an end of one task, in milliseconds. */
    private record Span(String stage, int index, long start, long end) {}

    /**
     * Runs {@code stages} and a last stage that writes down the completions of all of them (their
     * stage, index, start and end), and reads them back.
     */
    private List<Span> runAndTime(String name, int workflowParallelism, List<String> stages,
            List<UnaryOperator<Stage.Builder>> definitions) throws Exception {
        Path times = dir.resolve(name + ".times");
        String file = times.toString();
        Workflow.Builder wf = Workflow.named(name).parallelism(workflowParallelism);
        for (int i = 0; i < stages.size(); i++) {
            UnaryOperator<Stage.Builder> stage = definitions.get(i);
            wf.stage(stages.get(i), stage);
        }
        wf.stage("times", s -> {
            stages.forEach(s::after);
            return s.run(ctx -> {
                StringBuilder out = new StringBuilder();
                for (TaskCompletion c : ctx.inputs()) {
                    out.append(c.stage()).append(' ').append(c.index()).append(' ')
                            .append(c.startMillis()).append(' ').append(c.endMillis()).append('\n');
                }
                Files.writeString(Path.of(file), out);
            });
        });

        flink.run(wf.build(), ProgressListener.none());

        List<Span> spans = new ArrayList<>();
        for (String line : Files.readAllLines(times)) {
            String[] f = line.split(" ");
            spans.add(new Span(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        return spans;
    }

    private List<Span> runAndTime(String name, UnaryOperator<Stage.Builder> stage) throws Exception {
        return runAndTime(name, 0, List.of("work"), List.of(stage));
    }

    /** The most tasks that ran at the same moment. */
    private static int mostAtOnce(List<Span> spans) {
        int most = 0;
        for (Span s : spans) {
            // Some task's start is where the most overlap begins.
            int now = (int) spans.stream().filter(o -> o.start() <= s.start() && s.start() < o.end()).count();
            most = Math.max(most, now);
        }
        return most;
    }

    @Test
    void thirtySleepsOnTwoSlotsRunAtOnce() throws Exception {
        List<Span> spans = runAndTime("fan-out", s -> s.withSequence(30).command("sleep", "2"));

        assertThat(spans).hasSize(30);
        // One at a time per slot would be 2; the plan allows all 30.
        assertThat(mostAtOnce(spans)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aStageOfParallelismOneRunsItsTasksOneAfterAnotherInIndexOrder() throws Exception {
        List<Span> spans = runAndTime("sequential", s -> s.withSequence(5).parallelism(1).command("sleep", "0.2"));

        spans.sort(Comparator.comparingLong(Span::start));
        assertThat(spans).extracting(Span::index).containsExactly(0, 1, 2, 3, 4);
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).start()).as("task %d starts after task %d ended", i, i - 1)
                    .isGreaterThanOrEqualTo(spans.get(i - 1).end());
        }
    }

    @Test
    void aStageOfParallelismThreeRunsThreeAtOnce() throws Exception {
        List<Span> spans = runAndTime("three", s -> s.withSequence(9).parallelism(3).command("sleep", "0.5"));

        assertThat(spans).hasSize(9);
        assertThat(mostAtOnce(spans)).isEqualTo(3);
    }

    @Test
    void theWorkflowsParallelismHoldsAcrossStagesRunningAtOnce() throws Exception {
        // Each stage alone may run 3 at once, and each gets a slot: 6 without the workflow's limit.
        List<Span> spans = runAndTime("shared", 4, List.of("a", "b"), List.of(
                s -> s.withSequence(6).parallelism(3).command("sleep", "0.5"),
                s -> s.withSequence(6).parallelism(3).command("sleep", "0.5")));

        assertThat(spans).hasSize(12);
        assertThat(mostAtOnce(spans)).isBetween(3, 4);
    }

    @Test
    void aFailingTaskAmongRunningOnesFailsTheRunNamingItAndStopsTheOthers() {
        Workflow wf = Workflow.named("one-fails")
                .stage("work", s -> s.withSequence(10).command(ctx -> ctx.index() == 7
                        ? Command.of("sh", "-c", "sleep 0.5; echo 'cannot read part-00007' >&2; exit 3")
                        : Command.of("sleep", "60")))
                .build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> flink.run(wf, ProgressListener.none()))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageStartingWith("stage 'work' task 7 failed after 1 attempt: ")
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("cannot read part-00007");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(sleeping()).isEmpty();
    }

    @Test
    void aStoppedRunLeavesNoCommandRunning() {
        Workflow wf = Workflow.named("stopped").deadline(Duration.ofSeconds(2))
                .stage("work", s -> s.withSequence(6).command("sleep", "60"))
                .build();

        assertThatThrownBy(() -> flink.run(wf, ProgressListener.none()))
                .isInstanceOf(FloeException.class)
                .hasMessage("workflow 'stopped' ran longer than its deadline of 2s and was stopped");

        assertThat(sleeping()).isEmpty();
    }

    /** The {@code sleep} processes this JVM started that still run. */
    private static List<ProcessHandle> sleeping() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                .toList();
    }
}

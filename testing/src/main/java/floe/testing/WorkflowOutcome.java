package floe.testing;

import floe.FloeException;
import floe.TaskFailedException;
import floe.model.TaskCompletion;
import floe.run.RunResult;
import floe.run.StageResult;

import org.opentest4j.AssertionFailedError;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How a workflow run under {@link FloeExtension} ended: the stages' results and every task's
 * completion (outputs, files written, attempts) when it succeeded, the failure when it did not.
 * The {@code assert*} methods fail the test with a message saying what happened instead, and
 * return this outcome, so checks chain.
 *
 * <pre>{@code
 * floe.run(workflow)
 *     .assertSucceeded()
 *     .assertStage("merge-l1", 64, 0)
 *     .assertOutput("merge-result", 0, "records", "1000")
 *     .assertFiles(out, "_SUCCESS", "result.avro");
 * }</pre>
 */
public final class WorkflowOutcome {
    private final String workflow;
    private final RunResult result;
    private final List<TaskCompletion> completions;
    private final FloeException failure;

    private WorkflowOutcome(String workflow, RunResult result, List<TaskCompletion> completions, FloeException failure) {
        this.workflow = workflow;
        this.result = result;
        this.completions = completions;
        this.failure = failure;
    }

    static WorkflowOutcome succeeded(RunResult result, List<TaskCompletion> completions) {
        RunResult visible = new RunResult(result.workflow(), result.jobId(), result.wallTime(),
                result.stages().stream().filter(s -> !s.stage().equals(OutcomeCollector.STAGE)).toList());
        List<TaskCompletion> sorted = completions.stream()
                .sorted(Comparator.comparing(TaskCompletion::stage).thenComparingInt(TaskCompletion::index)).toList();
        return new WorkflowOutcome(result.workflow(), visible, sorted, null);
    }

    static WorkflowOutcome failed(String workflow, FloeException failure) {
        return new WorkflowOutcome(workflow, null, List.of(), failure);
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** Why the run failed: a {@link TaskFailedException} when a task ran out of attempts. */
    public Optional<FloeException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The run's result (wall time, stages); fails the test when the run failed. */
    public RunResult result() {
        assertSucceeded();
        return result;
    }

    /** What stage {@code name} did: tasks, attempts, skipped and failed tasks. */
    public StageResult stage(String name) {
        return result().stages().stream().filter(s -> s.stage().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionFailedError("workflow '" + workflow + "' has no stage '" + name
                        + "' (stages: " + result.stages().stream().map(StageResult::stage).toList() + ")"));
    }

    /** The completions of stage {@code name}'s tasks, by index. */
    public List<TaskCompletion> tasks(String name) {
        stage(name);
        return completions.stream().filter(c -> c.stage().equals(name)).toList();
    }

    /** The completion of task {@code index} of stage {@code name}. */
    public TaskCompletion task(String name, int index) {
        return tasks(name).stream().filter(c -> c.index() == index).findFirst()
                .orElseThrow(() -> new AssertionFailedError("stage '" + name + "' has no completed task " + index));
    }

    /** Output {@code key} of task {@code index} of stage {@code name}. */
    public String output(String name, int index, String key) {
        TaskCompletion task = task(name, index);
        String value = task.outputs().get(key);
        if (value == null) {
            throw new AssertionFailedError("stage '" + name + "' task " + index + " reported no output '" + key
                    + "' (outputs: " + task.outputs().keySet() + ")");
        }
        return value;
    }

    /** Every file the run's tasks reported writing, sorted. */
    public List<String> files() {
        assertSucceeded();
        TreeSet<String> all = new TreeSet<>();
        completions.forEach(c -> all.addAll(c.files()));
        return List.copyOf(all);
    }

    public WorkflowOutcome assertSucceeded() {
        if (failure != null) {
            throw new AssertionFailedError("workflow '" + workflow + "' failed: " + failure.getMessage(), failure);
        }
        return this;
    }

    /**
     * Asserts the run failed because task {@code index} of stage {@code stage} ran out of attempts,
     * with a message that contains {@code message}.
     */
    public WorkflowOutcome assertFailed(String stage, int index, String message) {
        if (failure == null) {
            throw new AssertionFailedError("workflow '" + workflow + "' succeeded; expected stage '" + stage + "' task "
                    + index + " to fail");
        }
        if (!(failure instanceof TaskFailedException task) || !task.stage().equals(stage) || task.index() != index
                || !String.valueOf(failure.getMessage()).contains(message)) {
            throw new AssertionFailedError("expected stage '" + stage + "' task " + index + " to fail with a message containing '"
                    + message + "', but the run failed with: " + failure.getMessage(), failure);
        }
        return this;
    }

    /** Asserts stage {@code name} completed {@code tasks} tasks with {@code retries} attempts beyond the first. */
    public WorkflowOutcome assertStage(String name, int tasks, int retries) {
        StageResult s = stage(name);
        if (s.tasks() != tasks || s.retries() != retries) {
            throw new AssertionFailedError("stage '" + name + "': expected " + tasks + " tasks and " + retries
                    + " retries, got " + s.tasks() + " tasks and " + s.retries() + " retries");
        }
        return this;
    }

    /** Asserts output {@code key} of task {@code index} of stage {@code name} is {@code expected}. */
    public WorkflowOutcome assertOutput(String name, int index, String key, String expected) {
        String actual = output(name, index, key);
        if (!actual.equals(expected)) {
            throw mismatch("stage '" + name + "' task " + index + " output '" + key + "'", expected, actual);
        }
        return this;
    }

    /**
     * Asserts directory {@code dir} holds exactly the files {@code names}: nothing missing, and
     * nothing else (no hidden in-progress file, no leftover part).
     */
    public WorkflowOutcome assertFiles(Path dir, String... names) {
        File[] listed = dir.toFile().listFiles();
        List<String> actual = listed == null ? List.of() : Arrays.stream(listed).map(File::getName).sorted().toList();
        List<String> expected = Arrays.stream(names).sorted().toList();
        if (!actual.equals(expected)) {
            throw mismatch(dir + ": expected exactly these files", expected, actual);
        }
        return this;
    }

    private static AssertionFailedError mismatch(String what, Object expected, Object actual) {
        return new AssertionFailedError(what + " ==> expected: <" + expected + "> but was: <" + actual + ">", expected, actual);
    }
}

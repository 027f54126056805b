package floe.report;

import floe.FloeException;
import floe.TaskFailedException;
import floe.model.CommandTask;
import floe.model.Dependency;
import floe.model.Stage;
import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.StageProgress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one run for its report: a progress listener that passes each update on to another
 * (the terminal's) and keeps the task records the runner hands over when a job ends (the
 * workflow's, then its exit handler's). {@link #state()} is the run as it stands.
 *
 * <pre>{@code
 * RunRecorder recorder = RunRecorder.of(workflow, logDir, TerminalProgress.onStderr());
 * try {
 *     runner.run(workflow, recorder);
 *     recorder.succeeded();
 * } catch (FloeException e) {
 *     recorder.failed(e);
 * }
 * RunPage.write(recorder.state(), Path.of("run.html"));
 * }</pre>
 */
public final class RunRecorder implements ProgressListener {
    /** The parts of a run: the workflow's stages, then its exit handler's. */
    public static final String MAIN = "main";
    public static final String ON_EXIT = "onExit";

    private final ProgressListener delegate;
    private final String mainWorkflow;
    private final String exitWorkflow;
    /** Stages by part and name, in the run's order. */
    private final Map<String, StageEntry> stages = new LinkedHashMap<>();
    /** When the runner first reported on the job (it was submitted), else when this recorder was made. */
    private final long createdAt = System.currentTimeMillis();
    private long startedAt;
    private long finishedAt;
    private NodePhase phase = NodePhase.RUNNING;
    private String message;

    private RunRecorder(Workflow workflow, Path logDir, ProgressListener delegate) {
        this.delegate = delegate;
        this.mainWorkflow = workflow.name();
        this.exitWorkflow = workflow.onExit() == null ? null : workflow.onExit().name();
        add(MAIN, workflow, logDir);
        if (workflow.onExit() != null) {
            add(ON_EXIT, workflow.onExit(), logDir);
        }
    }

    /** A recorder of {@code workflow}'s run whose command tasks log under {@code logDir} ({@code floe.task.log-dir}). */
    public static RunRecorder of(Workflow workflow, Path logDir, ProgressListener delegate) {
        return new RunRecorder(workflow, logDir, delegate);
    }

    private void add(String part, Workflow workflow, Path logDir) {
        for (Stage s : workflow.stages()) {
            List<String> after = new ArrayList<>();
            for (Dependency d : s.dependencies()) {
                if (!after.contains(d.upstream())) {
                    after.add(d.upstream());
                }
            }
            String logs = s.body() instanceof CommandTask && logDir != null
                    ? logDir.resolve(workflow.name()).resolve(s.name()).toAbsolutePath().toString() : null;
            stages.put(part + "/" + s.name(), new StageEntry(part, s, after, logs));
        }
    }

    @Override
    public void update(List<StageProgress> progress, boolean finished) {
        synchronized (this) {
            if (startedAt == 0) {
                startedAt = System.currentTimeMillis();
            }
        }
        delegate.update(progress, finished);
    }

    @Override
    public synchronized void tasksEnded(String workflow, List<TaskRecord> records) {
        String part = workflow.equals(mainWorkflow) ? MAIN : workflow.equals(exitWorkflow) ? ON_EXIT : null;
        if (part == null) {
            return;
        }
        for (TaskRecord r : records) {
            StageEntry stage = stages.get(part + "/" + r.stage());
            if (stage != null) {
                stage.records.put(r.index(), r);
            }
        }
    }

    /** The run ended well. */
    public synchronized void succeeded() {
        end(NodePhase.SUCCEEDED, null);
    }

    /** The run ended with {@code failure}: Failed when a task failed, Error for anything else. */
    public synchronized void failed(Throwable failure) {
        boolean taskFailed = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            taskFailed |= t instanceof TaskFailedException;
        }
        end(taskFailed ? NodePhase.FAILED : NodePhase.ERROR,
                failure instanceof FloeException || failure.getMessage() != null ? failure.getMessage() : failure.toString());
    }

    private void end(NodePhase phase, String message) {
        this.phase = phase;
        this.message = message;
        this.finishedAt = System.currentTimeMillis();
    }

    /** The run as it stands. */
    public synchronized RunState state() {
        List<StageState> list = new ArrayList<>();
        long started = startedAt == 0 ? createdAt : startedAt;
        for (StageEntry e : stages.values()) {
            for (TaskRecord r : e.records.values()) {
                started = Math.min(started, r.startMillis());
            }
        }
        for (StageEntry e : stages.values()) {
            list.add(new StageState(e.stage.name(), e.part, e.stage.tasks(), e.stage.isDynamic(), e.after, e.logs,
                    new ArrayList<>(e.records.values())));
        }
        return new RunState(mainWorkflow, phase, message, started, finishedAt, list);
    }

    private static final class StageEntry {
        final String part;
        final Stage stage;
        final List<String> after;
        final String logs;
        final Map<Integer, TaskRecord> records = new java.util.TreeMap<>();

        StageEntry(String part, Stage stage, List<String> after, String logs) {
            this.part = part;
            this.stage = stage;
            this.after = after;
            this.logs = logs;
        }
    }
}

package floe.compile;

import floe.TaskFailedException;
import floe.exec.ConcurrentTasks;
import floe.exec.Suspensions;
import floe.exec.TaskExecutor;
import floe.exec.TaskJournal;
import floe.exec.WorkflowPermits;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;
import floe.report.NodePhase;
import floe.report.TaskRecord;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the operator of a stage shares, whatever feeds it: the stage, its executor, its metrics,
 * and the subtask's block of running tasks (at most the plan's {@code tasksPerSubtask} at once,
 * under the workflow's limit). A task that used up its attempts fails the job without a Flink
 * restart: trying it again would only repeat the same attempts.
 */
final class StageTasks implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StageTasks.class);

    private final Workflow workflow;
    private final String stageName;
    private final int tasksPerSubtask;
    private final String logDir;
    private final boolean keepRecords;
    private final TaskJournal journal;
    private transient Stage stage;
    private transient TaskExecutor executor;
    private transient StageMetrics metrics;
    private transient WorkflowPermits permits;
    private transient ConcurrentTasks running;
    private transient TaskRecordAccumulator records;
    private transient TaskJournal.Stage journaled;
    /** Tasks emitted from the journal of an earlier run, until their completion is handed on. */
    private transient Set<Integer> resumed;

    StageTasks(Workflow workflow, StagePlan plan, String logDir, boolean keepRecords, TaskJournal journal) {
        this.journal = journal;
        this.workflow = workflow;
        this.stageName = plan.stage().name();
        this.tasksPerSubtask = plan.tasksPerSubtask();
        this.logDir = logDir;
        this.keepRecords = keepRecords;
    }

    Stage stage() {
        if (stage == null) {
            stage = workflow.stage(stageName);
        }
        return stage;
    }

    /** Gets ready to run tasks; their completions go to {@code out}, on the operator's thread. */
    void open(RuntimeContext context, Consumer<TaskCompletion> out) {
        executor = new TaskExecutor(workflow.name(), context.getJobInfo().getJobId().toString(), host(context), workflow.parameters(),
                stage(), java.nio.file.Path.of(logDir));
        metrics = new StageMetrics(context, stageName);
        permits = workflow.parallelism() > 0
                ? WorkflowPermits.of(context.getJobInfo().getJobId().toString(), workflow.parallelism()) : null;
        if (keepRecords) {
            records = new TaskRecordAccumulator();
            context.addAccumulator(TaskRecordAccumulator.PREFIX + stageName, records);
        }
        // An exit handler runs after every run, with that run's outcome: never taken from a journal.
        boolean exitHandler = workflow.parameters().containsKey(Workflow.STATUS_PARAMETER);
        journaled = (exitHandler ? TaskJournal.none() : journal).stage(workflow.name(), stageName);
        resumed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        running = new ConcurrentTasks(stageName, tasksPerSubtask, permits, c -> {
            boolean earlier = resumed.remove(c.index());
            metrics.record(c, earlier);
            if (records != null) {
                records.add(earlier ? TaskRecord.alreadySucceeded(c) : TaskRecord.of(c));
            }
            out.accept(c);
        });
    }

    /**
     * The address other TaskManagers reach this one at (a daemon's {@code ip}): the TaskManager's
     * external address as an IP; 127.0.0.1 where it is this machine's loopback (the embedded Flink).
     */
    private static String host(RuntimeContext context) {
        if (!(context instanceof org.apache.flink.streaming.api.operators.StreamingRuntimeContext streaming)) {
            return floe.exec.Daemons.LOCAL;
        }
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(streaming.getTaskManagerRuntimeInfo().getTaskManagerExternalAddress());
            return address.isLoopbackAddress() ? floe.exec.Daemons.LOCAL : address.getHostAddress();
        } catch (java.io.IOException | RuntimeException e) {
            return floe.exec.Daemons.LOCAL;
        }
    }

    /**
     * Starts task {@code index} of a stage that turned out to have {@code tasks} tasks once the
     * subtask has a place for it; throws the first failure of a task of this subtask.
     */
    void start(int index, int tasks, List<TaskCompletion> inputs) throws Exception {
        running.start(() -> {
            // A suspended run (its hold file there): the task starts once the run is resumed.
            Suspensions.awaitRelease(workflow.hold());
            long started = System.currentTimeMillis();
            Optional<TaskCompletion> earlier = journaled.recorded(index);
            if (earlier.isPresent()) {
                // Succeeded in an earlier run, its outputs still there: downstream gets the same completion.
                resumed.add(index);
                journal(earlier.get(), true);
                return earlier.get();
            }
            try {
                TaskCompletion done = executor.run(index, tasks, inputs);
                journal(done, false);
                return done;
            } catch (TaskFailedException e) {
                if (records != null) {
                    // The job fails with it: its record goes out with the subtask's final accumulators.
                    records.add(new TaskRecord(stageName, index, NodePhase.FAILED, e.attempts(), started, System.currentTimeMillis(),
                            exitCode(e), e.getMessage()));
                }
                throw new SuppressRestartsException(e);
            }
        });
    }

    /** A record that cannot be written costs only a task run again by a later run: the run goes on. */
    private void journal(TaskCompletion c, boolean earlier) {
        try {
            journaled.record(c, earlier);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("stage '{}' task {}: cannot record its success in the journal {}: {}",
                    stageName, c.index(), journal.dir(), e.toString());
        }
    }

    private static Integer exitCode(TaskFailedException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof floe.exec.CommandFailedException c) {
                return c.exitCode();
            }
        }
        return null;
    }

    /** Waits for every task started, handing on their completions. */
    void finish() throws Exception {
        running.finish();
    }

    /** How many tasks a stage whose count is worked out at run time has, given its inputs. */
    int count(List<TaskCompletion> inputs) {
        Stage stage = stage();
        int n;
        try {
            n = stage.dynamicTasks().count(inputs);
        } catch (floe.FloeException e) {
            throw new SuppressRestartsException(e);
        } catch (Exception e) {
            throw new SuppressRestartsException(new floe.FloeException("stage '" + stage.name() + "': cannot work out its tasks: " + e.getMessage(), e));
        }
        if (n < 0 || n > stage.tasks()) {
            throw new SuppressRestartsException(new floe.SpecException("stage '" + stage.name() + "': " + n
                    + " tasks, more than the " + stage.tasks() + " a stage may have"));
        }
        return n;
    }

    /** Stops whatever still runs (a failed or cancelled subtask: their processes are killed). */
    void close() {
        if (running != null) {
            running.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (permits != null) {
            permits.close();
        }
    }
}

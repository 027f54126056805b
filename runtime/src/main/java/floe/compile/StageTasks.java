package floe.compile;

import floe.TaskFailedException;
import floe.exec.ConcurrentTasks;
import floe.exec.SlotLoans;
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
 * under the workflow's limit; a stage of Java tasks on the embedded Flink runs more while it can
 * borrow idle slots, {@link SlotLoans}). A task that used up its attempts fails the job without a Flink
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
    /** The slots of the TaskManager when the compiler knew them (the embedded Flink), else 0. */
    private final int slots;
    /** Whether its subtasks also run tasks on idle slots they borrow ({@link SlotLoans}), up to {@code slots} at once. */
    private final boolean borrows;
    private transient Stage stage;
    private transient TaskExecutor executor;
    private transient StageMetrics metrics;
    private transient WorkflowPermits permits;
    private transient ConcurrentTasks running;
    private transient SlotLoans loans;
    /** The operator's thread: its tasks run on the subtask's own slot. */
    private transient Thread own;
    /**
     * Executors of the tasks run on borrowed slots, one for each worker, each with its own copy of
     * the stage: a Java task's function object serves one task at a time, as each subtask has its own.
     */
    private transient ThreadLocal<TaskExecutor> onLoan;
    private transient List<TaskExecutor> lent;
    private transient TaskRecordAccumulator records;
    private transient TaskJournal.Stage journaled;
    /** Tasks emitted from the journal of an earlier run, until their completion is handed on. */
    private transient Set<Integer> resumed;

    StageTasks(Workflow workflow, StagePlan plan, String logDir, boolean keepRecords, TaskJournal journal, int slots, boolean borrows) {
        this.journal = journal;
        this.slots = slots;
        this.borrows = borrows;
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
        String job = context.getJobInfo().getJobId().toString();
        String host = host(context);
        executor = new TaskExecutor(workflow.name(), job, host, workflow.parameters(), stage(), java.nio.file.Path.of(logDir));
        metrics = new StageMetrics(context, stageName);
        permits = workflow.parallelism() > 0
                ? WorkflowPermits.of(job, workflow.parallelism()) : null;
        if (keepRecords) {
            records = new TaskRecordAccumulator();
            context.addAccumulator(TaskRecordAccumulator.PREFIX + stageName, records);
        }
        // An exit handler runs after every run, with that run's outcome: never taken from a journal.
        boolean exitHandler = workflow.parameters().containsKey(Workflow.STATUS_PARAMETER);
        journaled = (exitHandler ? TaskJournal.none() : journal).stage(workflow.name(), stageName);
        resumed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        if (slots > 0) {
            loans = SlotLoans.of(slots);
            loans.occupy();
        }
        if (borrows) { // slots > 1, so loans is there
            own = Thread.currentThread();
            ClassLoader userCode = own.getContextClassLoader();
            byte[] pristine = serialized(stage()); // as Flink gave it, before any task ran
            lent = new java.util.concurrent.CopyOnWriteArrayList<>();
            onLoan = ThreadLocal.withInitial(() -> {
                try {
                    Stage copy = org.apache.flink.util.InstantiationUtil.deserializeObject(pristine, userCode);
                    TaskExecutor e = new TaskExecutor(workflow.name(), job, host, workflow.parameters(), copy, java.nio.file.Path.of(logDir));
                    lent.add(e);
                    return e;
                } catch (java.io.IOException | ClassNotFoundException e) {
                    throw new IllegalStateException("stage '" + stageName + "': cannot copy it for a borrowed slot: " + e, e);
                }
            });
        }
        running = new ConcurrentTasks(stageName, borrows ? slots : tasksPerSubtask, permits, borrows ? loans : null, c -> {
            boolean earlier = resumed.remove(c.index());
            metrics.record(c, earlier);
            if (records != null) {
                records.add(earlier ? TaskRecord.alreadySucceeded(c) : TaskRecord.of(c));
            }
            out.accept(c);
        });
    }

    private byte[] serialized(Stage s) {
        try {
            return org.apache.flink.util.InstantiationUtil.serializeObject(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stage '" + stageName + "': cannot copy it for a borrowed slot: " + e, e);
        }
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
                TaskExecutor here = onLoan == null || Thread.currentThread() == own ? executor : onLoan.get();
                TaskCompletion done = here.run(index, tasks, inputs);
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
        if (lent != null) {
            lent.forEach(TaskExecutor::close);
            lent.clear();
        }
        if (permits != null) {
            permits.close();
        }
        if (loans != null) {
            loans.vacate();
            loans = null;
        }
    }
}

package floe.service;

import floe.FloeException;
import floe.TaskFailedException;
import floe.exec.CommandFailedException;
import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.StageProgress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One run of one job on Flink, on its own thread: STARTING -> RUNNING when its first task runs,
 * then SUCCEEDED or FAILED with the reason, written as they happen. The run is recorded in
 * {@code job_runs}, so a run the service did not see end is known after a restart.
 */
final class JobRun implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SUCCEEDED_REASON = "Essential container in task exited";

    private final Records.Job job;
    private final JobStore store;
    private final CatalogStore catalog;
    private final FlinkEngine engine;
    private final JobWorkflows workflows;
    private final Function<String, String> terminated;
    private final LongSupplier clock;
    private final java.util.function.BooleanSupplier stopping;
    private final Records.Run attachTo;
    private boolean running;
    private int lastRunning = -1;
    private int lastDone = -1;

    /**
     * {@code terminated}: the reason this job was terminated, or null; {@code stopping}: whether the
     * service is stopping (a run it interrupts then is left to run again at the next start);
     * {@code attachTo}: a run whose Flink job a session cluster still has, to follow instead of
     * starting a new one (null: start one).
     */
    JobRun(Records.Job job, JobStore store, CatalogStore catalog, FlinkEngine engine, JobWorkflows workflows, Function<String, String> terminated,
            LongSupplier clock, java.util.function.BooleanSupplier stopping, Records.Run attachTo) {
        this.stopping = stopping;
        this.attachTo = attachTo;
        this.job = job;
        this.store = store;
        this.catalog = catalog;
        this.engine = engine;
        this.workflows = workflows;
        this.terminated = terminated;
        this.clock = clock;
    }

    @Override
    public void run() {
        String id = job.id();
        int run = attachTo != null ? attachTo.run() : store.runStarted(id, clock.getAsLong());
        long started = attachTo != null ? attachTo.startedAt() : clock.getAsLong();
        int size = job.arraySize() == null ? 1 : job.arraySize();
        try {
            if (terminated.apply(id) != null) {
                throw new FloeException("terminated before it started");
            }
            Records.Definition definition = catalog.definition(job.definitionName(), job.definitionRevision());
            Workflow workflow = workflows.workflow(job, definition);
            RunResult result = attachTo != null ? engine.attach(workflow, attachTo.flinkJobId(), this::progress)
                    : engine.run(workflow, this::progress, flinkJob -> store.runFlinkJob(id, run, flinkJob));
            long now = clock.getAsLong();
            store.outcome(id, size, 0, null, 0, attempts(started, now, 0, SUCCEEDED_REASON));
            markRunning(now);
            store.move(id, java.util.Set.of(JobStatus.RUNNING), JobStatus.SUCCEEDED, SUCCEEDED_REASON, now);
            store.runEnded(id, run, "SUCCEEDED", now);
            org.slf4j.LoggerFactory.getLogger(JobRun.class).info("job {} ({}) succeeded: Flink job {}", id, job.name(), result.jobId());
        } catch (RuntimeException e) {
            Thread.interrupted(); // a terminate interrupts the run; the database writes below must still happen
            if (stopping.getAsBoolean()) {
                // The service is stopping, not the job failing: the next start runs it again.
                return;
            }
            long now = clock.getAsLong();
            String reason = terminated.apply(id);
            Integer failedChild = null;
            Integer exitCode = null;
            if (reason == null) {
                TaskFailedException task = find(e, TaskFailedException.class);
                CommandFailedException command = find(e, CommandFailedException.class);
                failedChild = task == null || job.arraySize() == null ? null : task.index();
                exitCode = command == null ? null : command.exitCode();
                reason = e instanceof FloeException ? e.getMessage() : e.toString();
            }
            // Children seen done before the failure succeeded; the rest failed or were stopped with the job.
            int succeeded = Math.max(0, Math.min(lastDone, size - 1));
            store.outcome(id, succeeded, size - succeeded, failedChild, exitCode, attempts(started, now, exitCode, reason));
            store.move(id, java.util.Set.of(JobStatus.STARTING, JobStatus.RUNNING), JobStatus.FAILED, reason, now);
            store.runEnded(id, run, "FAILED", now);
        }
    }

    private void progress(List<StageProgress> stages, boolean finished) {
        if (stages.isEmpty()) {
            return;
        }
        StageProgress stage = stages.get(0);
        if (!running && (stage.running() > 0 || stage.tasksDone() > 0)) {
            markRunning(clock.getAsLong());
        }
        if (running && !finished && (stage.running() != lastRunning || stage.tasksDone() != lastDone)) {
            lastRunning = stage.running();
            lastDone = stage.tasksDone();
            store.progress(job.id(), stage.running(), stage.tasksDone());
        }
    }

    private void markRunning(long now) {
        if (!running) {
            running = true;
            store.move(job.id(), java.util.Set.of(JobStatus.STARTING), JobStatus.RUNNING, null, now);
        }
    }

    private static String attempts(long started, long stopped, Integer exitCode, String reason) {
        ArrayNode attempts = JSON.createArrayNode();
        ObjectNode attempt = attempts.addObject();
        ObjectNode container = attempt.putObject("container");
        if (exitCode != null) {
            container.put("exitCode", exitCode);
        }
        container.put("reason", reason);
        attempt.put("startedAt", started);
        attempt.put("stoppedAt", stopped);
        attempt.put("statusReason", reason);
        return attempts.toString();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}

package floe.run;

import floe.FloeException;
import floe.compile.Plan;
import floe.compile.StagePlan;
import floe.exec.OnJvmStop;
import floe.model.Workflow;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs workflows on a Flink that lives in this JVM (a MiniCluster: one JobManager, one
 * TaskManager with {@code floe.embedded.slots} slots), following each stage's progress.
 *
 * <pre>{@code
 * try (EmbeddedRunner flink = EmbeddedRunner.start(new Configuration())) {
 *     RunResult result = flink.run(workflow, TerminalProgress.onStderr());
 * }
 * }</pre>
 */
public final class EmbeddedRunner implements WorkflowRunner {
    private static final long POLL_MILLIS = 250;

    /** How long a stopping JVM waits for its running jobs to be cancelled. */
    private static final long STOP_GRACE_MILLIS = 10_000;

    private final Configuration conf;
    private final MiniCluster cluster;
    /** Null for a runner that shares another's Flink ({@link #sharedWith}): the owner stops it. */
    private final OnJvmStop cancelOnStop;

    private EmbeddedRunner(Configuration conf, MiniCluster cluster, boolean owner) {
        this.conf = conf;
        this.cluster = cluster;
        this.cancelOnStop = owner ? OnJvmStop.run("floe-stop-embedded-flink", this::cancelRunningJobs) : null;
    }

    /** Each distinct message down the cause chain: Flink's outermost one rarely says what failed. */
    private static String reasons(Throwable e) {
        java.util.LinkedHashSet<String> reasons = new java.util.LinkedHashSet<>();
        for (Throwable t = e; t != null && reasons.size() < 8; t = t.getCause()) {
            String message = t.getMessage();
            reasons.add(message == null || message.isBlank() ? t.getClass().getSimpleName()
                    : message.strip().replaceFirst("\\.$", ""));
        }
        return String.join(": ", reasons);
    }

    /**
     * A runner on this one's Flink that compiles and runs with {@code settings} (a command's own,
     * on the warm local Flink's JVM); closing it leaves the Flink running. A thread interrupted
     * while it runs a workflow cancels that workflow's job, as on any embedded run.
     */
    public EmbeddedRunner sharedWith(Configuration settings) {
        Configuration run = FlinkSettings.embeddedCluster(settings);
        run.set(TaskManagerOptions.NUM_TASK_SLOTS, conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
        run.set(FloeOptions.EMBEDDED_SLOTS, conf.get(FloeOptions.EMBEDDED_SLOTS));
        return new EmbeddedRunner(run, cluster, false);
    }

    /**
     * A JVM stopped by Ctrl-C or SIGTERM cancels its jobs first, so that their tasks close as on
     * any cancellation: writers remove their unfinished files, commands are stopped.
     */
    private void cancelRunningJobs() {
        try {
            List<JobID> running = cluster.listJobs().get(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS).stream()
                    .filter(j -> !j.getJobState().isGloballyTerminalState()).map(j -> j.getJobId()).toList();
            for (JobID id : running) {
                cluster.cancelJob(id);
            }
            long until = System.currentTimeMillis() + STOP_GRACE_MILLIS;
            for (JobID id : running) {
                cluster.requestJobResult(id).get(Math.max(1, until - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // the JVM is going down either way
        }
    }

    /** The settings of an embedded Flink configured by {@code base}: Floe's batch settings added. */
    private static Configuration settings(Configuration base) {
        Configuration conf = FlinkSettings.embeddedCluster(base);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, conf.get(FloeOptions.EMBEDDED_SLOTS));
        if (!base.contains(RestOptions.BIND_PORT)) {
            conf.set(RestOptions.BIND_PORT, "0");
        }
        // Named, so that Flink's RPC loader sees it (and a value that is neither is refused here).
        conf.set(FloeOptions.EMBEDDED_RPC, conf.get(FloeOptions.EMBEDDED_RPC));
        return conf;
    }

    /** Starts an embedded Flink configured by {@code base} plus Floe's batch settings. */
    public static EmbeddedRunner start(Configuration base) {
        Configuration conf = settings(base);
        int slots = conf.get(FloeOptions.EMBEDDED_SLOTS);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start(); // closes what it started when it fails
        } catch (Exception e) {
            throw new FloeException("could not start the embedded Flink: " + reasons(e), e);
        }
        try {
            // Its tasks' file systems, with these settings; a command made them so while the Flink started.
            FileSystems.initialize(base);
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new EmbeddedRunner(conf, cluster, true);
    }

    /** The compiler of this runner's plans: its settings, for its Flink's slots. */
    public floe.compile.WorkflowCompiler compiler() {
        return FloeOptions.embeddedCompiler(conf);
    }

    /** Where this Flink's REST API answers (its web UI; the address a {@link SessionRunner} takes). */
    public java.net.URI restAddress() {
        try {
            return cluster.getRestAddress().get();
        } catch (Exception e) {
            throw new FloeException("the embedded Flink has no REST address: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code workflow} to the end, then its exit handler if it has one; throws the failing
     * task's error if it fails.
     */
    @Override
    public RunResult run(Workflow workflow, ProgressListener progress) {
        return run(new Prepared(workflow, null), progress);
    }

    /**
     * {@code workflow} compiled for the embedded Flink {@link #start} makes of {@code base}, in the
     * calling thread: a command compiles while that Flink starts in the background, then runs it
     * with {@link #run(Prepared, ProgressListener)}. A workflow that waits for locks is compiled
     * once it holds them, as by {@link #run(Workflow, ProgressListener)}. A workflow with command
     * tasks also has this JVM's command launchers started meanwhile.
     */
    public static Prepared prepare(Workflow workflow, Configuration base) {
        if (!workflow.locks().isEmpty()) {
            return new Prepared(workflow, null);
        }
        Configuration conf = settings(base);
        Workflow main = workflow.onExit() == null ? workflow : workflow.withoutOnExit();
        Prepared prepared = new Prepared(workflow, CompiledJob.of(main, conf, FloeOptions.embeddedCompiler(conf)));
        if (main.stages().stream().anyMatch(s -> s.body() instanceof floe.model.CommandTask)) {
            floe.exec.Launchers.startAhead(); // its tasks run in this JVM: their first commands find the launchers up
        }
        return prepared;
    }

    /** A workflow, and the Flink job of its main part when it was compiled ahead ({@link #prepare}). */
    public static final class Prepared {
        private final Workflow workflow;
        private CompiledJob main;

        private Prepared(Workflow workflow, CompiledJob main) {
            this.workflow = workflow;
            this.main = main;
        }

        /** The job compiled ahead, once: the exit handler that runs after it is compiled when it runs. */
        private synchronized CompiledJob take() {
            CompiledJob job = main;
            main = null;
            return job;
        }
    }

    /** Runs a workflow {@link #prepare}d for this Flink's settings, as {@link #run(Workflow, ProgressListener)}. */
    public RunResult run(Prepared prepared, ProgressListener progress) {
        Workflow workflow = prepared.workflow;
        return WorkflowLocks.held(workflow, () -> ExitHandlers.run(workflow, wf -> {
            CompiledJob ahead = prepared.take();
            return runJob(wf, ahead != null ? ahead : CompiledJob.of(wf, conf, compiler()), progress);
        }));
    }

    private RunResult runJob(Workflow workflow, CompiledJob job, ProgressListener progress) {
        floe.compile.WorkflowCompiler compiler = compiler();
        Plan plan = job.plan();
        JobGraph jobGraph = job.graph();
        Map<JobVertexID, StagePlan> stageOf = stagesByVertex(plan, jobGraph);
        long start = System.nanoTime();
        JobID jobId = null;
        try {
            jobId = cluster.submitJob(jobGraph).get().getJobID();
            CompletableFuture<JobResult> done = cluster.requestJobResult(jobId);
            boolean follow = progress != ProgressListener.none();
            long deadline = workflow.hasDeadline() ? start + workflow.deadline().toNanos() : Long.MAX_VALUE;
            while (!done.isDone()) {
                if (System.nanoTime() > deadline) {
                    cluster.cancelJob(jobId).get();
                    JobResult cancelled = done.get();
                    if (compiler.keepsTaskRecords()) {
                        progress.tasksEnded(workflow.name(), Results.taskRecords(cancelled.getAccumulatorResults(),
                                Thread.currentThread().getContextClassLoader()));
                    }
                    throw Results.pastDeadline(workflow);
                }
                if (follow) {
                    report(jobId, plan, stageOf, progress, false);
                }
                try {
                    done.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException ignored) {
                    // poll again
                }
            }
            JobResult result = done.get();
            if (follow) {
                report(jobId, plan, stageOf, progress, true);
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (compiler.keepsTaskRecords()) {
                progress.tasksEnded(workflow.name(), Results.taskRecords(result.getAccumulatorResults(), loader));
            }
            if (!result.isSuccess()) {
                throw Results.failure(workflow.name(), result.getSerializedThrowable()
                        .map(t -> (Throwable) t)
                        .orElse(new FloeException("job ended " + result.getJobStatus().orElse(null))), loader);
            }
            JobExecutionResult execution = result.toJobExecutionResult(loader);
            return Results.of(plan, jobId.toString(), wall, execution.getAllAccumulatorResults());
        } catch (FloeException e) {
            throw e;
        } catch (InterruptedException e) {
            // Whoever interrupted the run wants it stopped: the job must not go on without a watcher.
            if (jobId != null) {
                cluster.cancelJob(jobId);
            }
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while running workflow '" + workflow.name() + "'", e);
        } catch (Exception e) {
            throw Results.failure(workflow.name(), e, Thread.currentThread().getContextClassLoader());
        } finally {
            if (jobId != null) {
                // The TaskManagers are this JVM's: the daemons the run left (a failed or cancelled run) end with it.
                floe.exec.Daemons.endRun(jobId.toString());
            }
        }
    }

    private void report(JobID jobId, Plan plan, Map<JobVertexID, StagePlan> stageOf, ProgressListener progress,
            boolean finished) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(jobId).get();
        Map<String, StageProgress> byStage = new HashMap<>();
        for (AccessExecutionJobVertex vertex : graph.getVerticesTopologically()) {
            StagePlan stage = stageOf.get(vertex.getJobVertexId());
            if (stage == null) {
                continue;
            }
            // A stage sized at run time reports subtasks, not tasks: its task count is not known here.
            boolean dynamic = stage.stage().isDynamic();
            int done = 0;
            int running = 0;
            boolean failed = false;
            AccessExecutionVertex[] subtasks = vertex.getTaskVertices();
            for (int s = 0; s < subtasks.length; s++) {
                ExecutionState state = subtasks[s].getExecutionState();
                if (state == ExecutionState.FINISHED) {
                    done += dynamic ? 1 : stage.blocks().size(s);
                } else if (state == ExecutionState.RUNNING || state == ExecutionState.INITIALIZING) {
                    running++;
                } else if (state == ExecutionState.FAILED) {
                    failed = true;
                }
            }
            byStage.put(stage.stage().name(), new StageProgress(stage.stage().name(), done,
                    dynamic ? subtasks.length : stage.stage().tasks(), running, failed));
        }
        List<StageProgress> ordered = new ArrayList<>();
        for (StagePlan s : plan.stages()) {
            ordered.add(byStage.getOrDefault(s.stage().name(),
                    new StageProgress(s.stage().name(), 0, s.stage().isDynamic() ? s.parallelism() : s.stage().tasks(), 0, false)));
        }
        progress.update(ordered, finished);
    }

    /** Each stage's operator carries the stage's uid; the vertex holding it reports for the stage. */
    private static Map<JobVertexID, StagePlan> stagesByVertex(Plan plan, JobGraph jobGraph) {
        Map<String, StagePlan> byUid = new HashMap<>();
        plan.stages().forEach(s -> byUid.put(s.uid(), s));
        Map<JobVertexID, StagePlan> byVertex = new HashMap<>();
        for (JobVertex vertex : jobGraph.getVertices()) {
            for (OperatorIDPair op : vertex.getOperatorIDs()) {
                StagePlan stage = op.getUserDefinedOperatorUid() == null ? null : byUid.get(op.getUserDefinedOperatorUid());
                if (stage != null) {
                    byVertex.put(vertex.getID(), stage);
                }
            }
        }
        return byVertex;
    }

    @Override
    public void close() {
        if (cancelOnStop == null) {
            return;
        }
        cancelOnStop.close();
        try {
            cluster.closeAsync().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new FloeException("could not stop the embedded Flink: " + e.getMessage(), e);
        }
    }
}

package floe.jobs.cli;

import floe.FloeException;
import floe.compile.WorkflowCompiler;
import floe.model.Workflow;
import floe.report.RunPage;
import floe.report.RunRecorder;
import floe.run.ContextRunner;
import floe.run.EmbeddedRunner;
import floe.run.FloeOptions;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.StageResult;
import floe.run.TerminalProgress;
import floe.run.SessionRunner;
import floe.run.WorkflowRunner;
import floe.jobs.cluster.WarmFlink;

import org.apache.flink.configuration.Configuration;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs workflows where this program was started: on the Flink that launched it ({@code flink
 * run}), or on an embedded Flink. The embedded Flink starts in the background as soon as the
 * launcher is made, so it comes up while the command checks its inputs.
 */
final class WorkflowLauncher implements AutoCloseable {
    /** Whether runs go to the warm local Flink of {@code floe up} when it runs. */
    static final org.apache.flink.configuration.ConfigOption<Boolean> WARM = org.apache.flink.configuration.ConfigOptions
            .key("floe.warm").booleanType().defaultValue(true)
            .withDescription("Run on the warm local Flink of 'floe up' when it runs (false: always an embedded Flink).");

    private final Configuration conf;
    /** The compiler of the runner's plans, known before the runner is up. */
    private final WorkflowCompiler compiler;
    private final CompletableFuture<? extends WorkflowRunner> runner;
    private final boolean detached;
    /** Whether the runner is an embedded Flink this launcher started (in the background). */
    private final boolean embedded;
    /** Whether progress is redrawn in place: the typing shell's standard error is a terminal. */
    private final boolean terminal;

    private WorkflowLauncher(Configuration conf, WorkflowCompiler compiler, CompletableFuture<? extends WorkflowRunner> runner,
            boolean detached, boolean terminal) {
        this(conf, compiler, runner, detached, terminal, false);
    }

    private WorkflowLauncher(Configuration conf, WorkflowCompiler compiler, CompletableFuture<? extends WorkflowRunner> runner,
            boolean detached, boolean terminal, boolean embedded) {
        this.conf = conf;
        this.compiler = compiler;
        this.runner = runner;
        this.detached = detached;
        this.terminal = terminal;
        this.embedded = embedded;
    }

    /**
     * The one place the runner is chosen: the launching Flink if there is one, else the warm local
     * Flink of {@code floe up} if it runs (unless {@code floe.warm} is false or a run's page is
     * asked for: its task records come back from an embedded job only), else an embedded one. A
     * command that {@code bin/floe} handed to the warm local Flink's JVM runs on that JVM's Flink.
     */
    static WorkflowLauncher start(Configuration conf, Invocation invocation) {
        boolean terminal = invocation.terminal();
        if (invocation.inWarmFlink()) {
            EmbeddedRunner warm = invocation.warmFlink().sharedWith(conf);
            // Its plan is the shared Flink's: that Flink's slots, not the ones these settings name.
            return new WorkflowLauncher(conf, warm.compiler(), CompletableFuture.completedFuture(warm), false, terminal);
        }
        if (ContextRunner.isInFlinkClient()) {
            return new WorkflowLauncher(conf, FloeOptions.compiler(conf), CompletableFuture.completedFuture(ContextRunner.on(conf)),
                    ContextRunner.isDetached(), terminal);
        }
        // A run's page needs its task records, which come back with an embedded job's result only.
        if (conf.get(WARM) && !conf.get(FloeOptions.TASK_RECORDS)) {
            WarmFlink warm = WarmFlink.ofSystem();
            Optional<WarmFlink.Running> running = warm.running();
            Optional<Configuration> client = warm.client(conf);
            if (running.isPresent() && client.isPresent()) {
                // Floe's classes are on the warm Flink's classpath already: no jars go with the job.
                SessionRunner flink = SessionRunner.connect(running.get().rest(), client.get(), Optional.empty(), List.of())
                        .forSlots(running.get().slots());
                return new WorkflowLauncher(conf, flink.compiler(), CompletableFuture.completedFuture(flink), false, terminal);
            }
        }
        return new WorkflowLauncher(conf, FloeOptions.embeddedCompiler(conf), CompletableFuture.supplyAsync(() -> EmbeddedRunner.start(conf)),
                false, terminal, true);
    }

    /** True when the workflow is only submitted, not waited for (a detached Flink client). */
    boolean detached() {
        return detached;
    }

    /**
     * Runs {@code workflow} and prints its plan and stage figures on {@code out}, its progress on
     * {@code err}; null when it was only submitted (detached). When {@code report} is given, writes
     * the run's page there once it ended, well or not (what went wrong writing it goes to {@code
     * err}; the run's own outcome stands).
     */
    RunResult run(Workflow workflow, PrintWriter out, PrintWriter err, Path report) {
        out.print(compiler.plan(workflow).describe());
        if (workflow.onExit() != null) {
            out.print("on exit, " + compiler.plan(workflow.onExit()).describe());
        }
        out.flush();
        if (detached) {
            if (report != null) {
                err.println("floe: notice: --report: a detached submission is not followed, so no report is written");
            }
            out.printf("%s submitted as job %s%n", workflow.name(), ((ContextRunner) runner()).submit(workflow)); // detached: in the Flink client
            out.flush();
            return null;
        }
        ProgressListener progress = conf.get(FloeOptions.PROGRESS) ? TerminalProgress.on(err, terminal, SuspendedNotes.of(conf, workflow.name()))
                : ProgressListener.none();
        if (report == null) {
            RunResult result = execute(workflow, progress);
            printResult(result, out);
            return result;
        }
        RunRecorder recorder = RunRecorder.of(workflow, Path.of(conf.get(FloeOptions.TASK_LOG_DIR)), progress);
        try {
            RunResult result = execute(workflow, recorder);
            recorder.succeeded();
            printResult(result, out);
            return result;
        } catch (RuntimeException | Error e) {
            recorder.failed(e);
            throw e;
        } finally {
            writeReport(recorder, report, out, err);
        }
    }

    private static void writeReport(RunRecorder recorder, Path report, PrintWriter out, PrintWriter err) {
        try {
            RunPage.write(recorder.state(), report);
            out.println("report   " + report.toAbsolutePath());
        } catch (java.io.IOException | RuntimeException e) {
            err.println("floe: could not write the report " + report + ": " + e);
        }
        out.flush();
        err.flush();
    }

    private RunResult execute(Workflow workflow, ProgressListener progress) {
        if (embedded) {
            // Compiled here while the embedded Flink comes up in the background.
            EmbeddedRunner.Prepared job = EmbeddedRunner.prepare(workflow, conf);
            return ((EmbeddedRunner) runner()).run(job, progress);
        }
        return runner() instanceof SessionRunner warm ? runOn(warm, workflow, progress) : runner().run(workflow, progress);
    }

    /**
     * Runs on the warm Flink as on the embedded one: a JVM stopped by Ctrl-C or SIGTERM cancels the
     * job it follows (the warm Flink runs on).
     */
    private static RunResult runOn(SessionRunner warm, Workflow workflow, ProgressListener progress) {
        java.util.concurrent.atomic.AtomicReference<String> job = new java.util.concurrent.atomic.AtomicReference<>();
        try (floe.exec.OnJvmStop cancel = floe.exec.OnJvmStop.run("floe-cancel-warm-job", () -> {
            String id = job.get();
            if (id != null) {
                warm.cancel(id);
            }
        })) {
            return warm.run(workflow, progress, job::set);
        }
    }

    /** The run's wall time and each stage's tasks, retries and task times. */
    static void printResult(RunResult result, PrintWriter out) {
        out.printf("%s finished in %.2f s (job %s)%n", result.workflow(), result.wallTime().toMillis() / 1000.0, result.jobId());
        for (StageResult s : result.stages()) {
            out.printf("  %-24s %7d tasks  %3d retries  task time avg %6.0f ms, max %6d ms%s%n", s.stage(), s.tasks(),
                    s.retries(), s.tasks() == 0 ? 0.0 : (double) s.taskMillis() / s.tasks(), s.maxTaskMillis(),
                    (s.skipped() > 0 ? "  " + s.skipped() + " skipped" : "") + (s.failed() > 0 ? "  " + s.failed() + " FAILED (continued)" : "")
                    + (s.resumed() > 0 ? "  " + s.resumed() + " already succeeded (journal)" : ""));
        }
        out.flush();
    }

    private WorkflowRunner runner() {
        try {
            return runner.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof FloeException f ? f : new FloeException("could not start the embedded Flink", e.getCause());
        }
    }

    /** Stops the embedded Flink, now or, if it is still starting, as soon as it is up. */
    @Override
    public void close() {
        runner.whenComplete((flink, error) -> {
            if (flink != null) {
                flink.close();
            }
        }).exceptionally(e -> null).join();
    }
}

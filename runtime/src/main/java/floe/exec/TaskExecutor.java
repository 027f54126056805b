package floe.exec;

import floe.FloeException;
import floe.TaskFailedException;
import floe.model.Command;
import floe.model.CommandTask;
import floe.model.JavaTask;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.TaskFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * Runs the tasks of one stage: each task is tried as often as the stage's retry policy allows,
 * with its backoff between tries and its timeout on each try. Several tasks may run at once, one
 * a thread ({@link ConcurrentTasks}). Knows nothing of Flink, so it runs
 * the same in a unit test and in a TaskManager. An error that is not {@link
 * FloeException#retryable()} (a corrupt input, a missing command) is not retried.
 */
public final class TaskExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecutor.class);

    private final String workflow;
    /** This run's id ({@link floe.model.TaskContext#run()}). */
    private final String run;
    private final Map<String, String> parameters;
    private final Stage stage;
    private final Sleeper sleeper;
    private final CommandRunner commands;
    /** Runs attempts under a timeout; made on first use, by whichever of the tasks running at once needs it. */
    private ExecutorService timeoutThreads;

    /** An executor whose command tasks log to {@code logDir/WORKFLOW/STAGE/task-N.attempt-M.{out,err}}. */
    public TaskExecutor(String workflow, Map<String, String> workflowParameters, Stage stage, Path logDir) {
        this(workflow, workflow, Daemons.LOCAL, workflowParameters, stage, logDir, Thread::sleep);
    }

    /**
     * An executor of the tasks of run {@code run} (an id no other run has, e.g. the Flink job's),
     * whose daemons other tasks reach at {@code host}, this machine's address.
     */
    public TaskExecutor(String workflow, String run, String host, Map<String, String> workflowParameters, Stage stage, Path logDir) {
        this(workflow, run, host, workflowParameters, stage, logDir, Thread::sleep);
    }

    TaskExecutor(String workflow, Map<String, String> workflowParameters, Stage stage, Path logDir, Sleeper sleeper) {
        this(workflow, workflow, Daemons.LOCAL, workflowParameters, stage, logDir, sleeper);
    }

    private TaskExecutor(String workflow, String run, String host, Map<String, String> workflowParameters, Stage stage, Path logDir,
            Sleeper sleeper) {
        this.workflow = workflow;
        this.run = run;
        this.stage = stage;
        this.sleeper = sleeper;
        this.commands = new CommandRunner(logDir, host);
        this.parameters = Parameters.merge(workflowParameters, stage.parameters());
    }

    /**
     * Runs task {@code index} to success or throws {@link TaskFailedException} once every attempt
     * failed. {@code inputs} are the completions of the upstream tasks it depended on.
     */
    public TaskCompletion run(int index, List<TaskCompletion> inputs) throws InterruptedException {
        return run(index, stage.tasks(), inputs);
    }

    /** As {@link #run(int, List)}, for a stage that turned out to have {@code tasks} tasks. */
    public TaskCompletion run(int index, int tasks, List<TaskCompletion> inputs) throws InterruptedException {
        int attempts = stage.retry().attempts();
        long start = System.currentTimeMillis();
        for (int attempt = 1; ; attempt++) {
            Duration delay = stage.retry().delayBefore(attempt);
            if (!delay.isZero()) {
                sleeper.sleep(delay.toMillis());
            }
            RunningTask context = new RunningTask(workflow, run, stage, index, tasks, attempt, parameters, inputs);
            long attemptStart = System.currentTimeMillis();
            try {
                runAttempt(context);
                return context.complete(start, System.currentTimeMillis());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                attemptFailed(context, e);
                // Bad input gives the same error on every attempt: report it at once.
                long now = System.currentTimeMillis();
                if (attempt >= attempts || (e instanceof FloeException f && !f.retryable())
                        || !mayRetry(e, Duration.ofMillis(now - attemptStart)) || pastLimit(start, now, attempt + 1)) {
                    TaskFailedException failure = new TaskFailedException(stage.name(), index, attempt, e);
                    if (stage.continueOnFailure()) {
                        LOG.warn("{} (the stage continues on failure)", failure.getMessage());
                        return context.failed(start, System.currentTimeMillis(), failure.getMessage());
                    }
                    // The run fails: its daemons go with it, as Argo's go when the workflow ends.
                    Daemons.endRun(run);
                    throw failure;
                }
                LOG.warn("stage '{}' task {} attempt {}/{} failed, retrying: {}",
                        stage.name(), index, attempt, attempts, e.toString());
            }
        }
    }

    /** Tells a command task's function how its attempt failed; a hook that fails is logged, not the attempt's outcome. */
    private void attemptFailed(RunningTask context, Exception failure) {
        if (stage.body() instanceof CommandTask command) {
            try {
                command.command().failed(context, failure);
            } catch (Exception e) {
                LOG.warn("stage '{}' task {}: could not record how attempt {} failed: {}", stage.name(), context.index(),
                        context.attempt(), e.toString());
            }
        }
    }

    private boolean mayRetry(Exception e, Duration took) {
        int exitCode = e instanceof CommandFailedException c ? c.exitCode() : -1;
        // A response judged a failure has failed as a command that exits non-zero or runs out of time has.
        boolean failedWithoutExitCode = e instanceof TaskTimeoutException || e instanceof HttpFailedException;
        return stage.retry().condition().retry(exitCode, String.valueOf(e.getMessage()), failedWithoutExitCode, took);
    }

    /** Whether attempt {@code next} would start past the retry policy's time limit, counted from the first attempt. */
    private boolean pastLimit(long start, long now, int next) {
        Duration within = stage.retry().within();
        if (within.isZero()) {
            return false;
        }
        boolean past = now + stage.retry().delayBefore(next).toMillis() - start > within.toMillis();
        if (past) {
            LOG.warn("stage '{}': no more retries: the next would start more than {} after the first attempt (maxDuration)",
                    stage.name(), within);
        }
        return past;
    }

    private void runAttempt(RunningTask context) throws Exception {
        TaskFunction function = stage.body() instanceof CommandTask command
                ? ctx -> {
                    Command resolved = command.command().resolve(ctx);
                    try {
                        if (resolved != null && !ctx.skipped()) {
                            commands.run(resolved, ctx);
                            command.command().succeeded(ctx);
                        }
                    } finally {
                        // A skipped task may have no command; a daemon kept running cleans up once it ended.
                        if (resolved != null && (resolved.daemon() == null || ctx.outcome().ip().isEmpty())) {
                            CommandRunner.cleanUp(resolved);
                        }
                    }
                }
                : ((JavaTask) stage.body()).function();
        if (!stage.hasTimeout()) {
            function.run(context);
            return;
        }
        Future<?> attempt = timeoutThreads().submit(() -> {
            function.run(context);
            return null;
        });
        try {
            attempt.get(stage.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            attempt.cancel(true);
            throw new TaskTimeoutException(stage.name(), context.index(), context.attempt(), stage.timeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : new RuntimeException(cause);
        } catch (InterruptedException e) {
            attempt.cancel(true);
            throw e;
        }
    }

    private synchronized ExecutorService timeoutThreads() {
        if (timeoutThreads == null) {
            timeoutThreads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "floe-task-" + stage.name());
                t.setDaemon(true);
                return t;
            });
        }
        return timeoutThreads;
    }

    @Override
    public synchronized void close() {
        if (timeoutThreads != null && stage.body() instanceof CommandTask) {
            // An attempt under a timeout runs on one of these, and kills its process when interrupted:
            // wait for that, so that a failed or cancelled subtask leaves no command running.
            ConcurrentTasks.stopAndWait(timeoutThreads, stage.name());
        } else if (timeoutThreads != null) {
            timeoutThreads.shutdownNow(); // a Java attempt that ignores interrupts is not waited for
        }
        commands.close();
    }

    /** Waits between attempts; a test passes one that does not really sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }
}

package floe.exec;

import floe.model.TaskCompletion;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one block of a stage's tasks (a Flink subtask's) with at most {@code limit} of them at
 * once, each also holding a place of the workflow's {@link WorkflowPermits} when it has a limit.
 * Tasks start in the order they are given; each completion is handed to {@code out} on the
 * caller's thread (never on a worker's) as soon as it is known. A limit of 1 runs every task on
 * the caller's thread, one after another in the order given (Batch {@code SEQUENTIAL}). With
 * {@link SlotLoans}, a block runs its tasks on the caller's thread, its own slot, except that a
 * task given while a slot is idle runs on a worker on that borrowed slot (up to {@code limit}
 * at once in all), which is given back when the task ends.
 *
 * <p>The first task to fail ends the block: the tasks still running are interrupted, which kills
 * their process trees, and its failure is thrown. {@link #close()} (an operator's close, also on
 * cancellation) does the same to whatever runs.
 *
 * <pre>{@code
 * try (ConcurrentTasks block = new ConcurrentTasks("sleep", 8, null, completions::add)) {
 *     for (int i = 0; i < 30; i++) {
 *         int index = i;
 *         block.start(() -> executor.run(index, List.of()));
 *     }
 *     block.finish();
 * }
 * }</pre>
 */
public final class ConcurrentTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentTasks.class);
    /** How long {@link #close()} waits for interrupted tasks to kill their processes and return. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final String stage;
    private final int limit;
    private final WorkflowPermits workflow;
    private final Consumer<TaskCompletion> out;
    /** Idle slots this block may borrow, or null. */
    private final SlotLoans loans;
    private final BlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
    private ExecutorService threads;
    private int running;

    /**
     * @param limit the most tasks of this block that run at once
     * @param workflow the workflow-wide limit, or null when the workflow has none
     * @param out where completions go, called on the thread that calls {@link #start} and {@link #finish}
     */
    public ConcurrentTasks(String stage, int limit, WorkflowPermits workflow, Consumer<TaskCompletion> out) {
        this(stage, limit, workflow, null, out);
    }

    /**
     * A block that runs tasks one after another on the caller's thread and, while {@code loans}
     * lends it idle slots, others beside them, up to {@code limit} at once ({@code loans} null:
     * up to {@code limit} at once in any case).
     */
    public ConcurrentTasks(String stage, int limit, WorkflowPermits workflow, SlotLoans loans, Consumer<TaskCompletion> out) {
        if (limit < 1) {
            throw new IllegalArgumentException("stage '" + stage + "': at least one task must run at a time, got " + limit);
        }
        this.stage = Objects.requireNonNull(stage, "stage");
        this.limit = limit;
        this.workflow = workflow;
        this.loans = limit > 1 ? loans : null;
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Starts {@code task} once fewer than {@code limit} run, handing on the completions of tasks
     * that ended meanwhile; throws the failure of the first task that failed.
     */
    public void start(Callable<TaskCompletion> task) throws Exception {
        if (loans != null) {
            startOnLoanOrHere(task);
            return;
        }
        if (limit == 1) {
            out.accept(holdingPermit(task));
            return;
        }
        handOnFinished();
        while (running >= limit) {
            handle(finished.take());
        }
        onWorker(task);
    }

    /** On a worker if an idle slot can be borrowed, else on this thread, this subtask's own slot. */
    private void startOnLoanOrHere(Callable<TaskCompletion> task) throws Exception {
        handOnFinished();
        if (running < limit - 1 && loans.borrow()) {
            onWorker(task);
            return;
        }
        TaskCompletion done;
        try {
            done = holdingPermit(task);
        } catch (Exception | Error e) {
            close(); // as when a task on a worker fails: the others stop
            throw e;
        }
        out.accept(done);
    }

    /** Runs {@code task} on a worker; with loans, on a borrowed slot, given back when it ends. */
    private void onWorker(Callable<TaskCompletion> task) {
        running++;
        threads().execute(() -> {
            Outcome outcome;
            try {
                outcome = Outcome.of(holdingPermit(task));
            } catch (Throwable t) {
                outcome = Outcome.failed(t);
            } finally {
                if (loans != null) {
                    loans.giveBack();
                }
            }
            finished.add(outcome);
        });
    }

    private void handOnFinished() throws Exception {
        for (Outcome done = finished.poll(); done != null; done = finished.poll()) {
            handle(done);
        }
    }

    /** Waits for every started task, handing on each completion; throws the first failure. */
    public void finish() throws Exception {
        while (running > 0) {
            handle(finished.take());
        }
    }

    private TaskCompletion holdingPermit(Callable<TaskCompletion> task) throws Exception {
        if (workflow == null) {
            return task.call();
        }
        workflow.acquire();
        try {
            return task.call();
        } finally {
            workflow.release();
        }
    }

    private void handle(Outcome done) throws Exception {
        running--;
        if (done.failure() == null) {
            out.accept(done.completion());
            return;
        }
        // The block has failed: stop the others before reporting, as a cancelled job would.
        close();
        if (done.failure() instanceof Exception e) {
            throw e;
        }
        throw (Error) done.failure();
    }

    private ExecutorService threads() {
        if (threads == null) {
            // Threads made here inherit the caller's context class loader (Flink's user code loader).
            threads = Executors.newFixedThreadPool(limit, r -> {
                Thread t = new Thread(r, "floe-task-" + stage);
                t.setDaemon(true);
                return t;
            });
        }
        return threads;
    }

    /**
     * Interrupts every running task (a command's process tree is killed) and waits a while for
     * them to return; completions not yet handed on are dropped.
     */
    @Override
    public void close() {
        if (threads == null) {
            return;
        }
        stopAndWait(threads, stage);
        running = 0;
        finished.clear();
    }

    /**
     * Interrupts the threads of {@code pool} and waits up to {@value #CLOSE_WAIT_MILLIS} ms for them
     * to end, through the interrupts Flink sends a cancelled task's thread again and again.
     */
    static void stopAndWait(ExecutorService pool, String stage) {
        pool.shutdownNow();
        boolean interrupted = false;
        long until = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
        while (true) {
            try {
                if (!pool.awaitTermination(Math.max(0, until - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                    LOG.warn("stage '{}': tasks still running {} ms after they were interrupted", stage, CLOSE_WAIT_MILLIS);
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Outcome(TaskCompletion completion, Throwable failure) {
        static Outcome of(TaskCompletion completion) {
            return new Outcome(completion, null);
        }

        static Outcome failed(Throwable failure) {
            return new Outcome(null, failure);
        }
    }
}

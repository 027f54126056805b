package floe.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * A workflow's limit on tasks running at once (Argo's workflow {@code parallelism}), shared by
 * every subtask of its job that runs in this JVM, whatever their stage. Per TaskManager, then:
 * exact on the embedded Flink (one TaskManager); on a cluster each TaskManager lets the job run
 * that many. Flink gives the subtasks of a job nothing else they share, hence a registry by job
 * that lives as long as one of its subtasks holds it.
 *
 * <pre>{@code
 * try (WorkflowPermits permits = WorkflowPermits.of(jobId, 4)) {
 *     permits.acquire();
 *     try { run(task); } finally { permits.release(); }
 * }
 * }</pre>
 */
public final class WorkflowPermits implements AutoCloseable {
    private static final Map<String, Shared> BY_JOB = new HashMap<>();

    private final String job;
    private final Shared shared;
    private boolean closed;

    private WorkflowPermits(String job, Shared shared) {
        this.job = job;
        this.shared = shared;
    }

    /** The permits of job {@code job}, {@code permits} of them; every holder of one job must agree on the number. */
    public static WorkflowPermits of(String job, int permits) {
        Objects.requireNonNull(job, "job");
        if (permits < 1) {
            throw new IllegalArgumentException("workflow parallelism must be at least 1, got " + permits);
        }
        synchronized (BY_JOB) {
            Shared shared = BY_JOB.computeIfAbsent(job, j -> new Shared(new Semaphore(permits, true)));
            shared.holders++;
            return new WorkflowPermits(job, shared);
        }
    }

    /** Waits for a place among the workflow's running tasks. */
    public void acquire() throws InterruptedException {
        shared.semaphore.acquire();
    }

    public void release() {
        shared.semaphore.release();
    }

    /** How many jobs hold permits in this JVM now (for tests: none once their subtasks closed). */
    static int jobs() {
        synchronized (BY_JOB) {
            return BY_JOB.size();
        }
    }

    @Override
    public void close() {
        synchronized (BY_JOB) {
            if (closed) {
                return;
            }
            closed = true;
            if (--shared.holders == 0) {
                BY_JOB.remove(job, shared);
            }
        }
    }

    private static final class Shared {
        final Semaphore semaphore;
        int holders;

        Shared(Semaphore semaphore) {
            this.semaphore = semaphore;
        }
    }
}

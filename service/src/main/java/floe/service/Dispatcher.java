package floe.service;

import floe.exec.OnJvmStop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Moves jobs through their lives, driven by events, on one thread: a submitted job is evaluated
 * at once (PENDING while something it depends on has not ended, RUNNABLE when all succeeded,
 * FAILED when one failed); a job that ends evaluates its dependents at once and frees its place
 * for the next RUNNABLE job. At most {@code maxRunning} jobs run at a time, each as its own Flink
 * job on a thread of its own.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final String DEPENDENCY_FAILED = "Dependent Job failed";

    private final JobStore store;
    private final CatalogStore catalog;
    private final FlinkEngine engine;
    private final JobWorkflows workflows;
    private final int maxRunning;
    private final LongSupplier clock;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> daemon(r, "floe-batch-dispatch"));
    private final ExecutorService runs = Executors.newCachedThreadPool(r -> daemon(r, "floe-batch-run"));
    /** Jobs this service runs now, by id (touched on the event thread only). */
    private final Map<String, Boolean> running = new HashMap<>();
    /** Run threads by job id, and why a job was terminated: read by the run threads. */
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final Map<String, String> terminations = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    Dispatcher(JobStore store, CatalogStore catalog, FlinkEngine engine, JobWorkflows workflows, int maxRunning, LongSupplier clock) {
        this.store = store;
        this.catalog = catalog;
        this.engine = engine;
        this.workflows = workflows;
        this.maxRunning = maxRunning;
        this.clock = clock;
    }

    /**
     * After a start: runs the service did not see end are LOST; their jobs (STARTING or RUNNING
     * when it stopped, their Flink jobs gone with it) are RUNNABLE again and run anew, which is
     * safe because every task writes to fixed paths and commits atomically. Every other job that
     * has not ended is evaluated again, so no event lost in the stop is missed.
     */
    CompletableFuture<Void> recover() {
        return CompletableFuture.runAsync(() -> {
            java.util.Map<String, Records.Run> unended = new HashMap<>();
            store.unendedRuns().forEach(r -> unended.put(r.jobId(), r));
            int lost = 0;
            for (Records.Job job : store.unfinished()) {
                Records.Run last = unended.remove(job.id());
                if (last != null && last.flinkJobId() != null && engine.keepsJobs() && engine.knows(last.flinkJobId())) {
                    LOG.info("job {} ({}): following its Flink job {} again", job.id(), job.name(), last.flinkJobId());
                    start(job, last);
                    continue;
                }
                if (last != null) {
                    store.runEnded(job.id(), last.run(), "LOST", clock.getAsLong());
                    lost++;
                }
                if (job.status() == JobStatus.STARTING || job.status() == JobStatus.RUNNING) {
                    store.move(job.id(), EnumSet.of(JobStatus.STARTING, JobStatus.RUNNING), JobStatus.RUNNABLE,
                            "Requeued: the service restarted while the job ran", clock.getAsLong());
                    LOG.info("job {} ({}) runs again: the service restarted while it ran", job.id(), job.name());
                } else {
                    evaluate(job.id());
                }
            }
            // A job that ended but whose run was not closed yet when the service stopped: the run ended as the job did.
            for (Records.Run r : unended.values()) {
                Records.Job job = store.job(r.jobId());
                store.runEnded(r.jobId(), r.run(), job != null && job.status().done() ? job.status().name() : "LOST", clock.getAsLong());
            }
            if (lost > 0) {
                LOG.info("{} run(s) lost in the last stop", lost);
            }
            startRunnable();
        }, events);
    }

    /** A job was stored as SUBMITTED. */
    void submitted(String id) {
        events.execute(() -> {
            evaluate(id);
            startRunnable();
        });
    }

    /**
     * Stops a job that has not ended: one still waiting fails at once with {@code reason}; a running
     * one ({@code terminate} only) has its Flink job cancelled and fails with {@code reason}. Returns
     * once the decision is made (a running job's FAILED state follows when its run has stopped).
     */
    CompletableFuture<Void> stop(String id, String reason, boolean terminate) {
        return CompletableFuture.runAsync(() -> {
            if (store.move(id, JobStatus.WAITING, JobStatus.FAILED, reason, clock.getAsLong())) {
                dependentsOf(id);
                return;
            }
            if (terminate && running.containsKey(id)) {
                terminations.put(id, reason);
                Thread t = threads.get(id);
                if (t != null) {
                    t.interrupt();
                }
            }
        }, events);
    }

    private void evaluate(String id) {
        Records.Job job = store.job(id);
        if (job == null || !(job.status() == JobStatus.SUBMITTED || job.status() == JobStatus.PENDING)) {
            return;
        }
        List<Records.Upstream> upstream = store.upstream(id);
        long now = clock.getAsLong();
        // An N_TO_N dependency on an array job whose children ended one by one fails only the matching children.
        java.util.function.Predicate<Records.Upstream> perChild = u -> "N_TO_N".equals(u.type()) && u.perChild();
        if (upstream.stream().anyMatch(u -> u.status() == JobStatus.FAILED && !perChild.test(u))) {
            if (store.move(id, EnumSet.of(job.status()), JobStatus.FAILED, DEPENDENCY_FAILED, now)) {
                dependentsOf(id);
            }
        } else if (upstream.stream().allMatch(u -> u.status() == JobStatus.SUCCEEDED || (u.status() == JobStatus.FAILED && perChild.test(u)))) {
            store.move(id, EnumSet.of(job.status()), JobStatus.RUNNABLE, null, now);
        } else if (job.status() == JobStatus.SUBMITTED) {
            store.move(id, EnumSet.of(JobStatus.SUBMITTED), JobStatus.PENDING, null, now);
        }
    }

    private void dependentsOf(String id) {
        for (String dependent : store.dependents(id)) {
            evaluate(dependent);
        }
    }

    private void startRunnable() {
        while (running.size() < maxRunning) {
            List<Records.Job> next = store.list(null, Set.of(JobStatus.RUNNABLE), 1, 0);
            if (next.isEmpty()) {
                return;
            }
            Records.Job job = next.get(0);
            if (!store.move(job.id(), EnumSet.of(JobStatus.RUNNABLE), JobStatus.STARTING, null, clock.getAsLong())) {
                continue;
            }
            start(job, null);
        }
    }

    private void start(Records.Job job, Records.Run attachTo) {
        running.put(job.id(), true);
        // The JVM's shutdown hooks run side by side: the embedded Flink cancels its jobs and the command
        // runners stop their processes, maybe before close() ran. A run failing then failed because the service stops.
        JobRun run = new JobRun(job, store, catalog, engine, workflows, terminations::get, clock, () -> stopping || OnJvmStop.inProgress(), attachTo);
        runs.execute(() -> {
            threads.put(job.id(), Thread.currentThread());
            try {
                run.run();
            } catch (RuntimeException e) {
                LOG.error("job {} ({}): could not record how its run ended", job.id(), job.name(), e);
            } finally {
                threads.remove(job.id());
                Thread.interrupted();
                if (!stopping) {
                    events.execute(() -> ended(job.id()));
                }
            }
        });
    }

    private void ended(String id) {
        running.remove(id);
        terminations.remove(id);
        dependentsOf(id);
        startRunnable();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops taking events. On the embedded Flink the runs are interrupted (their Flink jobs
     * cancelled, to run again at the next start); a session cluster's jobs go on, to be followed
     * again by the next start.
     */
    @Override
    public void close() {
        stopping = true;
        events.shutdownNow();
        if (engine.keepsJobs()) {
            runs.shutdown();
            return;
        }
        runs.shutdownNow();
        try {
            runs.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

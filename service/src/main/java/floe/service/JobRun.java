package floe.service;

import floe.FloeException;
import floe.TaskFailedException;
import floe.exec.CommandFailedException;
import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.StageProgress;

import com.fasterxml.jackson.databind.JsonNode;
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
        java.nio.file.Path outcomes = workflows.outcomes(id, run);
        java.util.Set<Integer> dependencyFailed = java.util.Set.of();
        try {
            if (terminated.apply(id) != null) {
                throw new FloeException("terminated before it started");
            }
            dependencyFailed = dependencyFailed(size);
            Records.Definition definition = catalog.definition(job.definitionName(), job.definitionRevision());
            Workflow workflow = workflows.workflow(job, definition, run, dependencyFailed);
            RunResult result = attachTo != null ? engine.attach(workflow, attachTo.flinkJobId(), this::progress)
                    : engine.run(workflow, this::progress, flinkJob -> store.runFlinkJob(id, run, flinkJob));
            long now = clock.getAsLong();
            if (!java.nio.file.Files.isDirectory(outcomes) && dependencyFailed.isEmpty()) {
                // No child wrote its outcome where the service can read it (TaskManagers that do not see the data directory):
                // the run's counts are all there is.
                recordFromCounts(run, result, size, now);
                return;
            }
            List<ObjectNode> children = children(outcomes, size, dependencyFailed, null, started, now);
            int failed = (int) children.stream().filter(c -> c.path("status").asText().equals("FAILED")).count();
            Integer failedChild = null;
            for (int i = 0; i < size && failedChild == null; i++) {
                if (children.get(i).path("status").asText().equals("FAILED")) {
                    failedChild = i;
                }
            }
            ObjectNode first = children.get(failedChild == null ? 0 : failedChild);
            JsonNode lastAttempt = first.path("attempts").isEmpty() ? null : first.path("attempts").get(first.path("attempts").size() - 1);
            Integer exitCode = lastAttempt != null && lastAttempt.path("container").has("exitCode")
                    ? lastAttempt.path("container").get("exitCode").asInt() : null;
            String reason;
            if (failed == 0) {
                reason = SUCCEEDED_REASON;
            } else if (job.arraySize() == null) {
                reason = first.path("statusReason").asText();
            } else {
                reason = failed + " of " + size + " child jobs failed (the first: child " + failedChild + ")";
            }
            store.outcome(id, size - failed, failed, job.arraySize() == null ? null : failedChild, exitCode,
                    job.arraySize() == null ? first.path("attempts").toString() : "[]",
                    job.arraySize() == null ? null : JSON.valueToTree(children).toString());
            markRunning(now);
            store.move(id, java.util.Set.of(JobStatus.RUNNING), failed == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED, reason, now);
            store.runEnded(id, run, failed == 0 ? "SUCCEEDED" : "FAILED", now);
            forget(outcomes);
            workflows.forgetJournal(id);
            org.slf4j.LoggerFactory.getLogger(JobRun.class).info("job {} ({}) {}: Flink job {}", id, job.name(),
                    failed == 0 ? "succeeded" : "failed", result.jobId());
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
            // Children that ended on their own keep their outcome; the rest failed or were stopped with the job.
            List<ObjectNode> children = children(outcomes, size, dependencyFailed, reason, started, now);
            int succeeded = (int) children.stream().filter(c -> c.path("status").asText().equals("SUCCEEDED")).count();
            ArrayNode attempts = (ArrayNode) children.get(0).path("attempts");
            store.outcome(id, succeeded, size - succeeded, failedChild, exitCode,
                    job.arraySize() == null && !attempts.isEmpty() ? attempts.toString() : attempts(started, now, exitCode, reason),
                    job.arraySize() == null ? null : JSON.valueToTree(children).toString());
            store.move(id, java.util.Set.of(JobStatus.STARTING, JobStatus.RUNNING), JobStatus.FAILED, reason, now);
            store.runEnded(id, run, "FAILED", now);
            forget(outcomes);
            workflows.forgetJournal(id);
        }
    }

    /** How a run ended when its children's outcomes cannot be read: succeeded when no task failed, else failed, counted. */
    private void recordFromCounts(int run, RunResult result, int size, long now) {
        int failed = result.stages().isEmpty() ? 0 : result.stages().get(0).failed();
        String reason = failed == 0 ? SUCCEEDED_REASON : failed + " of " + size + " child jobs failed (their outcomes could not be"
                + " read: the TaskManagers must see the service's data directory)";
        store.outcome(job.id(), size - failed, failed, null, null, attempts(job.startedAt() == null ? now : job.startedAt(), now,
                failed == 0 ? 0 : null, reason), null);
        markRunning(now);
        store.move(job.id(), java.util.Set.of(JobStatus.RUNNING), failed == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED, reason, now);
        store.runEnded(job.id(), run, failed == 0 ? "SUCCEEDED" : "FAILED", now);
        workflows.forgetJournal(job.id());
    }

    /** The children whose N_TO_N dependency's child of the same index did not succeed: they fail without running. */
    private java.util.Set<Integer> dependencyFailed(int size) {
        java.util.Set<Integer> failed = new java.util.TreeSet<>();
        for (Records.Dependency d : job.dependsOn()) {
            if (!"N_TO_N".equals(d.type())) {
                continue;
            }
            Records.Job upstream = store.job(d.jobId());
            if (upstream == null || upstream.status() == JobStatus.SUCCEEDED) {
                continue;
            }
            JsonNode children = upstream.children() == null ? null : read(upstream.children());
            for (int i = 0; i < size; i++) {
                if (children == null || !children.path(i).path("status").asText().equals("SUCCEEDED")) {
                    failed.add(i);
                }
            }
        }
        return failed;
    }

    /**
     * Each child as it ended, from the attempts its commands wrote to {@code outcomes}: its status
     * (its last attempt's), reason and attempts in Batch's shape. A child with no attempt failed
     * with {@code stopped} (the job was stopped first), or its dependency's failure.
     */
    private static List<ObjectNode> children(java.nio.file.Path outcomes, int size, java.util.Set<Integer> dependencyFailed,
            String stopped, long started, long now) {
        List<ObjectNode> out = new java.util.ArrayList<>();
        for (int i = 0; i < size; i++) {
            ObjectNode child = JSON.createObjectNode();
            ArrayNode attempts = child.putArray("attempts");
            String status = null;
            String statusReason = null;
            java.nio.file.Path file = outcomes.resolve("child-" + i + ".jsonl");
            if (!java.nio.file.Files.isRegularFile(file)) {
                file = earlierSuccess(outcomes, "child-" + i + ".jsonl");
            }
            if (java.nio.file.Files.isRegularFile(file)) {
                try {
                    for (String line : java.nio.file.Files.readAllLines(file)) {
                        if (line.isBlank()) {
                            continue;
                        }
                        JsonNode a = JSON.readTree(line);
                        ObjectNode attempt = attempts.addObject();
                        ObjectNode container = attempt.putObject("container");
                        if (a.has("exitCode")) {
                            container.put("exitCode", a.get("exitCode").asInt());
                        }
                        if (a.has("reason")) {
                            container.put("reason", a.get("reason").asText());
                        }
                        container.put("logStreamName", a.path("logStreamName").asText());
                        attempt.put("startedAt", a.path("startedAt").asLong());
                        attempt.put("stoppedAt", a.path("stoppedAt").asLong());
                        attempt.put("statusReason", a.path("statusReason").asText());
                        status = a.path("status").asText();
                        statusReason = a.path("statusReason").asText();
                    }
                } catch (java.io.IOException e) {
                    org.slf4j.LoggerFactory.getLogger(JobRun.class).warn("{}: cannot be read: {}", file, e.toString());
                }
            }
            if (dependencyFailed.contains(i)) {
                status = "FAILED";
                statusReason = Dispatcher.DEPENDENCY_FAILED;
            } else if (status == null || (stopped != null && !status.equals("SUCCEEDED"))) {
                status = "FAILED";
                statusReason = stopped != null ? stopped : "the child's attempts were not recorded";
            }
            child.put("status", status);
            child.put("statusReason", statusReason);
            if (!attempts.isEmpty()) {
                JsonNode last = attempts.get(attempts.size() - 1);
                child.put("startedAt", attempts.get(0).path("startedAt").asLong());
                child.put("stoppedAt", last.path("stoppedAt").asLong());
                child.set("container", last.path("container"));
            } else if (!dependencyFailed.contains(i)) {
                child.put("stoppedAt", now);
            }
            out.add(child);
        }
        return out;
    }

    /**
     * The attempts of a child this run did not run because an earlier run of the job (lost in a
     * crash) had run it to success and recorded it in the journal: that run's file, the latest
     * whose last attempt SUCCEEDED; {@code outcomes/..} holds every run's directory ({@code run-N}).
     */
    private static java.nio.file.Path earlierSuccess(java.nio.file.Path outcomes, String child) {
        String name = outcomes.getFileName().toString();
        int run = name.startsWith("run-") ? Integer.parseInt(name.substring(4)) : 0;
        for (int earlier = run - 1; earlier >= 0; earlier--) {
            java.nio.file.Path file = outcomes.resolveSibling("run-" + earlier).resolve(child);
            try {
                List<String> lines = java.nio.file.Files.isRegularFile(file) ? java.nio.file.Files.readAllLines(file) : List.of();
                for (int l = lines.size() - 1; l >= 0; l--) {
                    if (!lines.get(l).isBlank()) {
                        if (JSON.readTree(lines.get(l)).path("status").asText().equals("SUCCEEDED")) {
                            return file;
                        }
                        break;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // unreadable: not this one
            }
        }
        return outcomes.resolve(child);
    }

    /** Removes the outcome files of every run of the job once the database holds how it ended. */
    private static void forget(java.nio.file.Path outcomes) {
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(outcomes.getParent())) {
            for (java.nio.file.Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(f);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // not there, or being written: left for the next time
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return null;
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

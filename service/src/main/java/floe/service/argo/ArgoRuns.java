package floe.service.argo;

import floe.FloeException;
import floe.TaskFailedException;
import floe.argo.ArgoWorkflows;
import floe.exec.CommandFailedException;
import floe.run.StageProgress;
import floe.service.FlinkEngine;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs the workflows the API accepted, each as one Flink job on the server's Flink, at most
 * {@code maxRunning} at a time in the order they came: Pending until a place is free, Running with
 * its nodes and progress written as the stages report, then Succeeded, Failed (a task failed, or
 * it was stopped or terminated) or Error (it could not be loaded any more). Every change is stored,
 * then published to the watch streams.
 */
final class ArgoRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArgoRuns.class);
    static final String RESTARTS = "workflows.floe.io/restarts";
    /** Floe's bookkeeping of a suspended run: the subtasks each stage ran when it was suspended. */
    static final String HELD_RUNNING = "runningWhenSuspended";
    /** In a stored workflow's own part: its next run resumes from its journal (a retry, a restart) instead of starting afresh. */
    static final String RESUME = "resume";

    private final ArgoStore store;
    private final ArgoLoader loader;
    private final FlinkEngine engine;
    private final Path workDir;
    private final Path logRoot;
    private final LongSupplier clock;
    private final ArgoEvents events;
    private final java.util.function.Function<String, List<Path>> templates;
    private final ExecutorService runs;
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final Map<String, String> stops = new ConcurrentHashMap<>();
    /** The stored body of each workflow running now, which its run rewrites as it goes: changes to it go through {@link #edit}. */
    private final Map<String, ObjectNode> live = new ConcurrentHashMap<>();
    private volatile boolean closing;
    /** The journal runs record their tasks in and resume from ({@code floe.run.resume-from}), or null. */
    private String journal;

    ArgoRuns(ArgoStore store, ArgoLoader loader, FlinkEngine engine, Path workDir, Path logRoot, int maxRunning, LongSupplier clock,
            ArgoEvents events, java.util.function.Function<String, List<Path>> templates) {
        this.store = store;
        this.loader = loader;
        this.engine = engine;
        this.workDir = workDir;
        this.logRoot = logRoot;
        this.clock = clock;
        this.events = events;
        this.templates = templates;
        this.runs = Executors.newFixedThreadPool(maxRunning, r -> {
            Thread t = new Thread(r, "floe-argo-run");
            t.setDaemon(true);
            return t;
        });
    }

    /** This, with the journal (a URI) runs record the tasks that succeeded in and resume from; null: none. */
    ArgoRuns withJournal(String journal) {
        this.journal = journal;
        return this;
    }

    String journal() {
        return journal;
    }

    /** Removes the journal of workflow {@code name}: its next run runs every task. */
    void forgetJournal(String name) {
        if (journal == null) {
            return;
        }
        try {
            floe.exec.TaskJournal.forget(journal, name);
        } catch (IOException | RuntimeException e) {
            LOG.warn("workflow {}: its journal cannot be removed: {}", name, e.toString());
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /**
     * Workflows that had not ended when the server stopped run again, marked with how often: from
     * their journal, so the tasks that had succeeded are not run again.
     */
    void recover() {
        for (ArgoStore.Row row : store.unfinished()) {
            ObjectNode body = row.body();
            ObjectNode annotations = ((ObjectNode) body.path("metadata")).with("annotations");
            int restarts = annotations.path(RESTARTS).asInt(0) + 1;
            annotations.put(RESTARTS, Integer.toString(restarts));
            ObjectNode status = body.with("status");
            status.put("phase", "Pending");
            status.put("message", "run again: the server restarted while it " + (row.phase().equals("Running")
                    ? "ran; tasks that had succeeded are not run again" : "waited"));
            body.with(ArgoApi.PRIVATE).put(RESUME, true);
            store.update(row.namespace(), row.name(), "Pending", body, false);
            LOG.info("workflow {}/{} runs again: the server restarted while it was {}", row.namespace(), row.name(), row.phase());
            enqueue(row.namespace(), row.name());
        }
    }

    void enqueue(String namespace, String name) {
        runs.execute(() -> run(namespace, name));
    }

    /** Stops a workflow that has not ended ({@code strategy} Stop or Terminate); false when it had ended. */
    boolean stop(String namespace, String name, String strategy) {
        String k = key(namespace, name);
        stops.put(k, strategy);
        Thread t = threads.get(k);
        if (t != null) {
            t.interrupt();
            return true;
        }
        // Not running yet: it ends here, and its turn finds it ended.
        ArgoStore.Row row = store.get(namespace, name);
        if (row == null || !(row.phase().equals("Pending") || row.phase().equals("Running"))) {
            stops.remove(k);
            return false;
        }
        ObjectNode body = row.body();
        long now = clock.getAsLong();
        ObjectNode status = body.with("status");
        status.put("phase", "Failed");
        status.put("message", "Stopped with strategy '" + strategy + "'");
        status.put("finishedAt", ArgoNodes.time(now));
        ArgoApi.phaseLabels(body, "Failed");
        store.update(namespace, name, "Failed", body, false);
        events.publish("MODIFIED", body);
        stops.remove(k);
        return true;
    }

    private void run(String namespace, String name) {
        if (closing) {
            return;
        }
        String k = key(namespace, name);
        ArgoStore.Row row = store.get(namespace, name);
        if (row == null || !row.phase().equals("Pending")) {
            return;
        }
        threads.put(k, Thread.currentThread());
        try {
            runNow(row, k);
        } catch (RuntimeException e) {
            LOG.error("workflow {}: could not record how its run ended", k, e);
        } finally {
            threads.remove(k);
            live.remove(k);
            stops.remove(k);
            Thread.interrupted();
        }
    }

    private void runNow(ArgoStore.Row row, String k) {
        ObjectNode body = row.body();
        boolean resume = journal != null && body.path(ArgoApi.PRIVATE).path(RESUME).asBoolean(false);
        ObjectNode status = body.with("status");
        long start = clock.getAsLong();
        ObjectNode spec;
        synchronized (body) {
            status.put("phase", "Running");
            status.put("startedAt", ArgoNodes.time(start));
            status.remove("finishedAt");
            ArgoApi.phaseLabels(body, "Running");
            spec = ArgoApi.forLoading(body);
            live.put(k, body); // from here on, a change (argo suspend) is made to this body
        }
        ArgoWorkflows.Loaded loaded;
        try {
            loaded = loader.load(spec, workDir.resolve(row.namespace()).resolve(row.name()), templates.apply(row.namespace()), false);
        } catch (RuntimeException e) {
            synchronized (body) {
                finish(row, body, "Error", start, e.getMessage());
            }
            return;
        }
        Path logs = logRoot.resolve(loaded.workflow().name());
        ArgoNodes nodes = new ArgoNodes(row.name(), (ObjectNode) body.get("spec"), loaded.workflow(), logs);
        if (resume) {
            // The tasks its journal holds keep their nodes, times and logs; they are not run again.
            nodes.recorded(ArgoRetry.journaled(journal, loaded.workflow()));
        } else {
            deleteTree(logs);
            forgetJournal(loaded.workflow().name());
        }
        Map<String, StageProgress> progress = new ConcurrentHashMap<>();
        ObjectNode own;
        synchronized (body) {
            status.put("progress", nodes.progress(progress));
            status.set("nodes", nodes.nodes(progress, "Running", start, 0, null, start));
            own = body.putObject(ArgoApi.PRIVATE);
            own.put("logs", logs.toString());
            if (loaded.workflow().hold() != null) {
                // Where argo suspend leaves the run's hold file, beside its suspended tasks' files.
                own.put("hold", loaded.workflow().hold());
                if (body.path("spec").path("suspend").asBoolean(false) && !spec.path("spec").path("suspend").asBoolean(false)) {
                    // Suspended while it was being loaded: held from its first task.
                    try {
                        floe.exec.Suspensions.hold(Path.of(loaded.workflow().hold()));
                    } catch (IOException e) {
                        LOG.warn("workflow {}: cannot write its hold file {}: {}", k, loaded.workflow().hold(), e.toString());
                    }
                    own.putObject(HELD_RUNNING);
                }
            }
            own.set("pods", nodes.pods());
            own.set("stages", stages(nodes));
            store.update(row.namespace(), row.name(), "Running", body, true);
        }
        events.publish("MODIFIED", body);
        long[] lastWrite = {0};
        String[] lastProgress = {""};
        try {
            engine.run(loaded.workflow(), new floe.run.ProgressListener() {
                @Override
                public void tasksEnded(String workflow, List<floe.report.TaskRecord> records) {
                    if (workflow.equals(loaded.workflow().name())) {
                        nodes.recorded(records);
                    }
                }

                @Override
                public void update(List<StageProgress> stages, boolean finished) {
                    for (StageProgress p : stages) {
                        progress.put(p.stage(), p);
                    }
                    long now = clock.getAsLong();
                    String pr = nodes.progress(progress) + stages.stream().mapToInt(StageProgress::running).sum();
                    if (finished || (now - lastWrite[0] < 500 && pr.equals(lastProgress[0])) || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    lastWrite[0] = now;
                    lastProgress[0] = pr;
                    synchronized (body) {
                        Map<String, StageProgress> shown = held(progress, own.path(HELD_RUNNING));
                        status.put("progress", nodes.progress(progress));
                        status.set("nodes", nodes.nodes(shown, "Running", start, 0, null, now));
                        own.set("pods", nodes.pods());
                        own.set("times", nodes.times());
                        own.set("running", running(shown));
                        store.update(row.namespace(), row.name(), "Running", body, false);
                        events.publish("MODIFIED", body);
                    }
                }
            }, flinkJob -> {});
            synchronized (body) {
                finishNodes(nodes, progress, body, "Succeeded", start, null);
                finish(row, body, "Succeeded", start, null);
            }
        } catch (RuntimeException e) {
            Thread.interrupted();
            if (closing || floe.exec.OnJvmStop.inProgress()) {
                return; // the server stops: the workflow stays Running and runs again at the next start
            }
            String strategy = stops.get(k);
            ArgoNodes.Failure failure;
            String message;
            if (strategy != null) {
                message = "Stopped with strategy '" + strategy + "'";
                failure = new ArgoNodes.Failure(null, -1, message, null);
            } else {
                TaskFailedException task = find(e, TaskFailedException.class);
                CommandFailedException command = find(e, CommandFailedException.class);
                message = e instanceof FloeException ? e.getMessage() : e.toString();
                failure = new ArgoNodes.Failure(task == null ? null : task.stage(), task == null ? -1 : task.index(),
                        command != null ? "Error (exit code " + command.exitCode() + ")" : message, command == null ? null : command.exitCode());
            }
            synchronized (body) {
                finishNodes(nodes, progress, body, "Failed", start, failure);
                finish(row, body, "Failed", start, message);
            }
        }
    }

    private void finishNodes(ArgoNodes nodes, Map<String, StageProgress> progress, ObjectNode body, String phase, long start, ArgoNodes.Failure failure) {
        long now = clock.getAsLong();
        ObjectNode status = body.with("status");
        status.put("progress", nodes.progress(progress));
        status.set("nodes", nodes.nodes(progress, phase, start, now, failure, now));
        body.with(ArgoApi.PRIVATE).set("pods", nodes.pods());
        body.with(ArgoApi.PRIVATE).set("times", nodes.times());
        body.with(ArgoApi.PRIVATE).remove("running");
    }

    private void finish(ArgoStore.Row row, ObjectNode body, String phase, long start, String message) {
        long now = clock.getAsLong();
        ObjectNode status = body.with("status");
        status.put("phase", phase);
        status.put("startedAt", ArgoNodes.time(start));
        status.put("finishedAt", ArgoNodes.time(now));
        if (message != null) {
            status.put("message", message);
        } else {
            status.remove("message");
        }
        ArgoApi.phaseLabels(body, phase);
        store.update(row.namespace(), row.name(), phase, body, false);
        events.publish("MODIFIED", body);
        LOG.info("workflow {}/{}: {}", row.namespace(), row.name(), phase);
        String hold = body.path(ArgoApi.PRIVATE).path("hold").asText("");
        if (!hold.isEmpty()) {
            // Suspended when it ended (stopped, or its last tasks ran on): its hold file goes with the run.
            try {
                floe.exec.Suspensions.release(Path.of(hold));
                Files.deleteIfExists(Path.of(hold).resolveSibling("workflow.resume"));
                Files.deleteIfExists(Path.of(hold).getParent());
            } catch (IOException e) {
                // a suspended task of it still there, or already gone
            }
        }
    }

    /**
     * What a suspended run shows running: no more in each stage than ran when it was suspended
     * ({@code heldRunning}, stage to count; missing: not suspended). Its other subtasks wait for
     * the resume before their task starts, which Flink's counts of running subtasks do not tell.
     */
    private static Map<String, StageProgress> held(Map<String, StageProgress> progress, com.fasterxml.jackson.databind.JsonNode heldRunning) {
        if (!heldRunning.isObject()) {
            return progress;
        }
        Map<String, StageProgress> out = new java.util.HashMap<>();
        progress.forEach((stage, p) -> out.put(stage, new StageProgress(p.stage(), p.tasksDone(), p.tasks(),
                Math.min(p.running(), heldRunning.path(stage).asInt(0)), p.failed())));
        return out;
    }

    /** Subtasks running in each stage now (a running task writes its log file only when it ends: the run page shows these). */
    private static ObjectNode running(Map<String, StageProgress> progress) {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        new java.util.TreeMap<>(progress).forEach((stage, p) -> {
            if (p.running() > 0) {
                out.put(stage, p.running());
            }
        });
        return out;
    }

    /** The user stages as the run page draws them: name, tasks (at most, when sized at run time) and the stages each runs after. */
    private static com.fasterxml.jackson.databind.node.ArrayNode stages(ArgoNodes nodes) {
        com.fasterxml.jackson.databind.node.ArrayNode out = ArgoStore.JSON.createArrayNode();
        for (floe.model.Stage s : nodes.stages()) {
            ObjectNode o = out.addObject();
            o.put("name", s.name());
            o.put("tasks", s.tasks());
            o.put("dynamic", s.isDynamic());
            var after = o.putArray("after");
            s.dependencies().stream().map(floe.model.Dependency::upstream).distinct().filter(u -> !u.startsWith("floe.")).forEach(after::add);
        }
        return out;
    }

    /**
     * Changes a stored workflow with {@code change}: the body its run is rewriting when it runs
     * (so the run's next write keeps the change), else the stored one; then publishes it. Returns
     * the body as changed, or null when there is no such workflow.
     */
    ObjectNode edit(String namespace, String name, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode body = live.get(key(namespace, name));
        if (body != null) {
            synchronized (body) {
                change.accept(body);
                store.update(namespace, name, body.path("status").path("phase").asText("Running"), body, false);
                events.publish("MODIFIED", body);
                return body.deepCopy();
            }
        }
        ArgoStore.Row row = store.get(namespace, name);
        if (row == null) {
            return null;
        }
        ObjectNode stored = row.body();
        change.accept(stored);
        store.update(namespace, name, row.phase(), stored, false);
        events.publish("MODIFIED", stored);
        return stored;
    }

    /** The stored workflow as its run has it now (a copy), or null when there is none. */
    ObjectNode current(String namespace, String name) {
        ObjectNode body = live.get(key(namespace, name));
        if (body != null) {
            synchronized (body) {
                return body.deepCopy();
            }
        }
        ArgoStore.Row row = store.get(namespace, name);
        return row == null ? null : row.body();
    }

    /** Where a workflow's task logs are: DIR/WORKFLOW/STAGE/task-N.attempt-M.{out,err}. */
    Path logs(String name) {
        return logRoot.resolve(name);
    }

    static void deleteTree(Path dir) {
        try {
            org.apache.flink.util.FileUtils.deleteFileOrDirectory(dir.toFile());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Stops taking work; running workflows are interrupted and run again at the next start. */
    @Override
    public void close() {
        closing = true;
        runs.shutdownNow();
        try {
            runs.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package floe.service.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs CronWorkflows on their schedules: every tick, each CronWorkflow not suspended whose next
 * time (after its {@code status.lastScheduledTime}, else its creation) has come gets a workflow,
 * unless the time was missed by more than {@code startingDeadlineSeconds} (a time missed while
 * the server was down runs once if within it, as Argo's controller does) or {@code
 * concurrencyPolicy} says otherwise (Forbid: not while one of its workflows runs; Replace: those are
 * terminated first). Ended workflows beyond {@code successfulJobsHistoryLimit} (default 3) and
 * {@code failedJobsHistoryLimit} (default 1) are deleted, oldest first.
 */
final class ArgoCron implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArgoCron.class);
    static final String LABEL = "workflows.argoproj.io/cron-workflow";

    private final ArgoObjects objects;
    private final ArgoApi api;
    private final ArgoStore store;
    private final ArgoRuns runs;
    private final LongSupplier clock;
    private final long tickMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "floe-argo-cron");
        t.setDaemon(true);
        return t;
    });

    ArgoCron(ArgoObjects objects, ArgoApi api, ArgoStore store, ArgoRuns runs, LongSupplier clock, long tickMillis) {
        this.objects = objects;
        this.api = api;
        this.store = store;
        this.runs = runs;
        this.clock = clock;
        this.tickMillis = tickMillis;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        objects.onCronChange(() -> timer.execute(this::tick));
    }

    private void tick() {
        try {
            for (ObjectNode cron : objects.crons()) {
                try {
                    one(cron);
                } catch (RuntimeException e) {
                    LOG.warn("CronWorkflow {}: {}", cron.path("metadata").path("name").asText(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("CronWorkflows: tick failed", e);
        }
    }

    private void one(ObjectNode cron) {
        JsonNode spec = cron.path("spec");
        String ns = cron.path("metadata").path("namespace").asText();
        String name = cron.path("metadata").path("name").asText();
        ObjectNode status = cron.with("status");
        boolean changed = trimHistory(ns, name, spec, status);
        if (spec.path("suspend").asBoolean(false)) {
            if (changed) {
                objects.saveCron(cron);
            }
            return;
        }
        CronSchedule schedule = CronSchedule.of(spec);
        Instant now = Instant.ofEpochMilli(clock.getAsLong());
        String last = status.path("lastScheduledTime").asText(cron.path("metadata").path("creationTimestamp").asText(""));
        Instant from = last.isEmpty() ? now : Instant.parse(last);
        ZonedDateTime next = schedule.next(from);
        if (next == null || next.toInstant().isAfter(now)) {
            if (changed) {
                objects.saveCron(cron);
            }
            return;
        }
        // The latest time that has come, and whether it is still on time.
        ZonedDateTime due = next;
        for (ZonedDateTime n = schedule.next(due.toInstant()); n != null && !n.toInstant().isAfter(now); n = schedule.next(n.toInstant())) {
            due = n;
        }
        long lateSeconds = (now.toEpochMilli() - due.toInstant().toEpochMilli()) / 1000;
        long deadline = spec.hasNonNull("startingDeadlineSeconds") ? spec.get("startingDeadlineSeconds").asLong()
                : Math.max(1, 2 * tickMillis / 1000);
        status.put("lastScheduledTime", due.toInstant().toString());
        if (lateSeconds > deadline) {
            LOG.info("CronWorkflow {}/{}: the run of {} was missed by {} s (startingDeadlineSeconds {})", ns, name, due, lateSeconds, deadline);
            objects.saveCron(cron);
            return;
        }
        List<ArgoStore.Row> active = active(ns, name);
        String policy = spec.path("concurrencyPolicy").asText("Allow");
        if (policy.equals("Forbid") && !active.isEmpty()) {
            LOG.info("CronWorkflow {}/{}: not run at {}: concurrencyPolicy Forbid and {} still runs", ns, name, due, active.get(0).name());
            objects.saveCron(cron);
            return;
        }
        if (policy.equals("Replace")) {
            for (ArgoStore.Row r : active) {
                runs.stop(r.namespace(), r.name(), "Terminate");
            }
        }
        ObjectNode wf = objects.fromCron(api, ns, cron, null, due.toInstant().toString());
        ArrayNode activeRefs = status.putArray("active");
        List<ArgoStore.Row> now2 = new ArrayList<>(active(ns, name));
        for (ArgoStore.Row r : now2) {
            ObjectNode ref = activeRefs.addObject();
            ref.put("kind", "Workflow");
            ref.put("namespace", r.namespace());
            ref.put("name", r.name());
            ref.put("uid", r.body().path("metadata").path("uid").asText());
        }
        status.put("phase", "Active");
        LOG.info("CronWorkflow {}/{}: workflow {} for {}", ns, name, wf.path("metadata").path("name").asText(), due);
        objects.saveCron(cron);
    }

    private List<ArgoStore.Row> active(String ns, String name) {
        List<ArgoStore.Row> out = new ArrayList<>();
        for (ArgoStore.Row r : store.list(ns)) {
            if (name.equals(r.body().path("metadata").path("labels").path(LABEL).asText(null))
                    && (r.phase().equals("Pending") || r.phase().equals("Running"))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Deletes ended workflows of this CronWorkflow beyond its history limits; counts them in its status. */
    private boolean trimHistory(String ns, String name, JsonNode spec, ObjectNode status) {
        int keepOk = spec.path("successfulJobsHistoryLimit").asInt(3);
        int keepFailed = spec.path("failedJobsHistoryLimit").asInt(1);
        int ok = 0;
        int failed = 0;
        boolean changed = false;
        for (ArgoStore.Row r : store.list(ns)) { // newest first
            if (!name.equals(r.body().path("metadata").path("labels").path(LABEL).asText(null))) {
                continue;
            }
            boolean succeeded = r.phase().equals("Succeeded");
            boolean ended = succeeded || r.phase().equals("Failed") || r.phase().equals("Error");
            if (!ended) {
                continue;
            }
            int seen = succeeded ? ++ok : ++failed;
            if (seen > (succeeded ? keepOk : keepFailed)) {
                api.deleteEnded(r.namespace(), r.name());
                changed = true;
            }
        }
        if (status.path("succeeded").asInt(-1) != ok || status.path("failed").asInt(-1) != failed) {
            status.put("succeeded", ok);
            status.put("failed", failed);
            changed = true;
        }
        return changed;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

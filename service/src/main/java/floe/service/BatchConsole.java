package floe.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the web UI's Batch pages show, read from the service's own store with the Batch API's
 * shapes (DescribeJobQueues, ListJobs, DescribeJobs), plus what AWS's console adds: each queue's
 * jobs counted by status, a job's dependents, an array job's children one page at a time, and an
 * attempt's log (its stdout and stderr, from the task log directory). Read only: changes go
 * through the signed Batch API.
 *
 * <pre>{@code
 * JsonNode queues = console.queues();                 // {"jobQueues": [{..., "jobCounts": {"RUNNING": 2, ...}}]}
 * JsonNode job = console.job(jobId, "FAILED", 0, 100);  // DescribeJobs' view, "dependents", "children"
 * }</pre>
 */
public final class BatchConsole {
    /** The most of an attempt's stdout or stderr answered: its end. */
    static final int MAX_LOG_BYTES = 1 << 20;

    private final BatchApi api;
    private final JobStore store;
    private final Path logDir;
    private final String computeEnvironment;

    BatchConsole(BatchApi api, JobStore store, Path logDir, String computeEnvironment) {
        this.api = api;
        this.store = store;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.computeEnvironment = computeEnvironment;
    }

    /** Every job queue as DescribeJobQueues answers it, with {@code jobCounts} (status to jobs) and {@code computeEnvironment}. */
    public JsonNode queues() {
        JsonNode out = api.call("describejobqueues", BatchApi.JSON.createObjectNode());
        for (JsonNode q : out.path("jobQueues")) {
            ObjectNode counts = ((ObjectNode) q).putObject("jobCounts");
            Map<JobStatus, Integer> byStatus = store.counts(q.path("jobQueueName").asText());
            for (JobStatus s : JobStatus.values()) {
                counts.put(s.name(), byStatus.getOrDefault(s, 0));
            }
            // Floe's queues have no compute environments of their own: every job runs on the service's Flink.
            ((ObjectNode) q).put("computeEnvironment", computeEnvironment);
        }
        return out;
    }

    /** ListJobs of {@code queue} in {@code status}, 100 at a time ({@code nextToken} from the last answer, or null). */
    public JsonNode jobs(String queue, String status, String nextToken) {
        ObjectNode request = BatchApi.JSON.createObjectNode();
        request.put("jobQueue", queue);
        request.put("jobStatus", status);
        request.put("maxResults", 100);
        if (nextToken != null && !nextToken.isEmpty()) {
            request.put("nextToken", nextToken);
        }
        return api.call("listjobs", request);
    }

    /**
     * DescribeJobs' view of job {@code id} ({@code ID} or an array child {@code ID:N}), with
     * {@code dependsOnJobs} (each dependency's name and status), {@code dependents} (the jobs that
     * wait for it) and, for an array job, {@code children}: those in {@code childStatus} (null: all),
     * {@code limit} from {@code offset}, with {@code childrenMatched} how many there are.
     */
    public JsonNode job(String id, String childStatus, int offset, int limit) {
        ObjectNode request = BatchApi.JSON.createObjectNode();
        request.putArray("jobs").add(id);
        JsonNode found = api.call("describejobs", request).path("jobs");
        if (found.isEmpty()) {
            throw ApiException.notFound("Job " + id + " not found");
        }
        ObjectNode job = (ObjectNode) found.get(0);
        ArrayNode upstream = job.putArray("dependsOnJobs");
        List<String> ids = new ArrayList<>();
        job.path("dependsOn").forEach(d -> {
            if (d.hasNonNull("jobId")) {
                ids.add(d.get("jobId").asText());
            }
        });
        for (Records.Job j : store.jobs(ids)) {
            upstream.addObject().put("jobId", j.id()).put("jobName", j.name()).put("status", j.status().name());
        }
        ArrayNode dependents = job.putArray("dependents");
        String parentId = JobViews.parentId(id);
        List<String> waiting = store.dependents(parentId);
        for (Records.Job j : store.jobs(waiting)) {
            dependents.addObject().put("jobId", j.id()).put("jobName", j.name()).put("status", j.status().name());
        }
        Records.Job parent = store.job(parentId);
        if (parent != null && parent.arraySize() != null && JobViews.childIndex(id) == null) {
            children(job, parent, childStatus, offset, limit);
        }
        return job;
    }

    private static void children(ObjectNode job, Records.Job parent, String status, int offset, int limit) {
        JsonNode ended = null;
        if (parent.children() != null && parent.status().done()) {
            try {
                ended = BatchApi.JSON.readTree(parent.children());
            } catch (IOException e) {
                throw ApiException.server("stored job cannot be read: " + e.getMessage());
            }
        }
        // Before the job ended every child's status follows the parent's: one view stands for all.
        ObjectNode same = ended == null ? JobViews.childDetail(parent, 0) : null;
        ArrayNode out = job.putArray("children");
        int matched = 0;
        for (int i = 0; i < parent.arraySize(); i++) {
            JsonNode child = ended == null ? null : ended.path(i);
            String s = child == null ? same.path("status").asText() : child.path("status").asText();
            if (status != null && !status.equals(s)) {
                continue;
            }
            if (matched++ < offset || out.size() >= limit) {
                continue;
            }
            ObjectNode c = out.addObject();
            c.put("index", i);
            c.put("jobId", parent.id() + ":" + i);
            c.put("status", s);
            if (child == null) {
                if (same.hasNonNull("statusReason")) {
                    c.put("statusReason", same.get("statusReason").asText());
                }
                continue;
            }
            c.put("statusReason", child.path("statusReason").asText());
            JsonNode container = child.path("container");
            if (container.has("exitCode")) {
                c.set("exitCode", container.get("exitCode"));
            }
            if (container.has("reason")) {
                c.set("reason", container.get("reason"));
            }
            for (String t : new String[] {"startedAt", "stoppedAt"}) {
                if (child.has(t)) {
                    c.set(t, child.get(t));
                }
            }
            c.put("attempts", child.path("attempts").size());
        }
        job.put("childrenMatched", matched);
    }

    /** The log of attempt {@code attempt} (from 0) of job {@code id}: {@code logStreamName}, {@code stdout}, {@code stderr}. */
    public JsonNode log(String id, int attempt) {
        JsonNode job = job(id, null, 0, 0);
        JsonNode attempts = job.path("attempts");
        if (attempt < 0 || attempt >= attempts.size()) {
            throw ApiException.notFound("Job " + id + " has no attempt " + attempt + " (it has " + attempts.size() + ")");
        }
        String stream = attempts.get(attempt).path("container").path("logStreamName").asText("");
        ObjectNode out = BatchApi.JSON.createObjectNode();
        out.put("logStreamName", stream);
        if (stream.isEmpty()) {
            out.put("stdout", "");
            out.put("stderr", "");
            return out;
        }
        for (String kind : new String[] {"out", "err"}) {
            Path file = logDir.resolve(stream + "." + kind).normalize();
            if (!file.startsWith(logDir)) {
                throw ApiException.client("log stream " + stream + " is not under the task log directory");
            }
            out.put("std" + kind, tail(file));
        }
        return out;
    }

    /** The file's text, its last {@link #MAX_LOG_BYTES} when longer; empty when it is not there. */
    private static String tail(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = Math.max(0, length - MAX_LOG_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return from == 0 ? text : "[... the first " + from + " bytes left out]\n" + text;
        } catch (IOException e) {
            throw ApiException.server(file + ": cannot be read: " + e.getMessage());
        }
    }
}

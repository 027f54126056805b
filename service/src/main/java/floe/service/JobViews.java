package floe.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Jobs as DescribeJobs and ListJobs show them. An array job's children ({@code ID:N}) are not
 * rows of their own: while the parent waits or runs, their states follow from the parent's (all
 * RUNNABLE before it starts); once it ended, each child has its own status, reason and attempts
 * (a failing child fails alone) and the parent's statusSummary counts them.
 */
final class JobViews {
    private JobViews() {}

    static String parentId(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }

    static Integer childIndex(String id) {
        int colon = id.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return Integer.parseInt(id.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ObjectNode detail(Records.Job job) {
        return detail(job, null);
    }

    /**
     * DescribeJobs' view of {@code job}; {@code definition} (its job definition as registered,
     * null when not at hand) gives the container's image, command, environment and resources,
     * merged with the job's overrides as Batch merges them.
     */
    static ObjectNode detail(Records.Job job, JsonNode definition) {
        ObjectNode view = BatchApi.JSON.createObjectNode();
        JsonNode spec = read(job.spec());
        view.put("jobArn", Arns.job(job.id()));
        view.put("jobName", job.name());
        view.put("jobId", job.id());
        view.put("jobQueue", Arns.queue(job.queue()));
        view.put("status", job.status().name());
        if (job.statusReason() != null) {
            view.put("statusReason", job.statusReason());
        }
        view.put("createdAt", job.createdAt());
        if (job.startedAt() != null) {
            view.put("startedAt", job.startedAt());
        }
        if (job.stoppedAt() != null) {
            view.put("stoppedAt", job.stoppedAt());
        }
        ArrayNode deps = view.putArray("dependsOn");
        for (Records.Dependency d : job.dependsOn()) {
            ObjectNode dep = deps.addObject();
            dep.put("jobId", d.jobId());
            if (d.type() != null) {
                dep.put("type", d.type());
            }
        }
        for (JsonNode d : spec.path("dependsOn")) {
            if ("SEQUENTIAL".equals(d.path("type").asText())) {
                deps.addObject().put("type", "SEQUENTIAL");
            }
        }
        view.put("jobDefinition", Arns.jobDefinition(job.definitionName(), job.definitionRevision()));
        view.set("parameters", spec.has("parameters") && !spec.get("parameters").isNull() ? spec.get("parameters") : BatchApi.JSON.createObjectNode());
        ObjectNode container = container(definition == null ? null : definition.get("containerProperties"), spec.get("containerOverrides"));
        view.set("container", container);
        JsonNode attempts = job.arraySize() == null ? read(job.attempts()) : BatchApi.JSON.createArrayNode();
        JsonNode last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).path("container");
        if (last != null) {
            last.fields().forEachRemaining(e -> container.set(e.getKey(), e.getValue()));
        } else if (job.exitCode() != null && job.arraySize() == null) {
            container.put("exitCode", job.exitCode());
        }
        if (last == null && job.status().done() && job.arraySize() == null && job.statusReason() != null) {
            container.put("reason", job.statusReason());
        }
        view.set("attempts", attempts);
        JsonNode children = job.children() == null ? null : read(job.children());
        if (job.arraySize() != null) {
            ObjectNode array = view.putObject("arrayProperties");
            array.put("size", job.arraySize());
            ObjectNode summary = array.putObject("statusSummary");
            for (JobStatus s : JobStatus.values()) {
                summary.put(s.name(), 0);
            }
            int size = job.arraySize();
            if (children != null && job.status().done()) {
                for (JsonNode child : children) {
                    String s = child.path("status").asText();
                    summary.put(s, summary.path(s).asInt() + 1);
                }
            } else {
                switch (job.status()) {
                    case SUBMITTED, PENDING, RUNNABLE -> summary.put(job.status().name(), size);
                    case STARTING -> summary.put(JobStatus.RUNNABLE.name(), size);
                    case RUNNING -> {
                        summary.put("RUNNING", job.childrenRunning());
                        summary.put("SUCCEEDED", job.childrenSucceeded());
                        summary.put("RUNNABLE", Math.max(0, size - job.childrenRunning() - job.childrenSucceeded()));
                    }
                    case SUCCEEDED -> summary.put("SUCCEEDED", size);
                    case FAILED -> {
                        summary.put("SUCCEEDED", job.childrenSucceeded());
                        summary.put("FAILED", size - job.childrenSucceeded());
                    }
                    default -> throw new IllegalStateException(job.status().name());
                }
            }
        }
        for (String field : new String[] {"retryStrategy", "timeout", "tags", "propagateTags"}) {
            if (spec.has(field) && !spec.get(field).isNull()) {
                view.set(field, spec.get(field));
            }
        }
        if (!view.has("propagateTags") && definition != null && definition.hasNonNull("propagateTags")) {
            view.set("propagateTags", definition.get("propagateTags"));
        }
        return view;
    }

    /**
     * The container as Batch shows it: the definition's container properties, the overrides'
     * command, vcpus and memory in their place, their environment variables and resource
     * requirements added to (or replacing, by name or type) the definition's.
     */
    static ObjectNode container(JsonNode properties, JsonNode overrides) {
        ObjectNode container = BatchApi.JSON.createObjectNode();
        if (properties != null && properties.isObject()) {
            properties.fields().forEachRemaining(e -> container.set(e.getKey(), e.getValue().deepCopy()));
        }
        if (overrides == null || !overrides.isObject()) {
            return container;
        }
        overrides.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                return;
            }
            switch (e.getKey()) {
                case "environment" -> container.set("environment", merge(container.get("environment"), e.getValue(), "name"));
                case "resourceRequirements" -> container.set("resourceRequirements", merge(container.get("resourceRequirements"), e.getValue(), "type"));
                case "command" -> {
                    if (!e.getValue().isEmpty()) {
                        container.set("command", e.getValue());
                    }
                }
                default -> container.set(e.getKey(), e.getValue());
            }
        });
        return container;
    }

    private static ArrayNode merge(JsonNode base, JsonNode overrides, String key) {
        java.util.Map<String, JsonNode> byKey = new java.util.LinkedHashMap<>();
        for (JsonNode list : new JsonNode[] {base, overrides}) {
            if (list != null && list.isArray()) {
                list.forEach(item -> byKey.put(item.path(key).asText(), item));
            }
        }
        ArrayNode out = BatchApi.JSON.createArrayNode();
        byKey.values().forEach(out::add);
        return out;
    }

    static ObjectNode childDetail(Records.Job parent, int index) {
        return childDetail(parent, index, null);
    }

    static ObjectNode childDetail(Records.Job parent, int index, JsonNode definition) {
        ObjectNode view = detail(parent, definition);
        view.put("jobArn", Arns.job(parent.id() + ":" + index));
        view.put("jobId", parent.id() + ":" + index);
        ObjectNode array = BatchApi.JSON.createObjectNode();
        array.put("index", index);
        view.set("arrayProperties", array);
        JsonNode child = parent.children() == null ? null : read(parent.children()).path(index);
        if (child != null && !child.isMissingNode() && parent.status().done()) {
            // Each child ended on its own: its status, reason, attempts and container are its own.
            view.put("status", child.path("status").asText());
            view.put("statusReason", child.path("statusReason").asText());
            view.set("attempts", child.path("attempts"));
            view.remove(java.util.List.of("startedAt", "stoppedAt"));
            if (child.has("startedAt")) {
                view.put("startedAt", child.get("startedAt").asLong());
            }
            if (child.has("stoppedAt")) {
                view.put("stoppedAt", child.get("stoppedAt").asLong());
            }
            ObjectNode container = (ObjectNode) view.get("container");
            container.remove(java.util.List.of("exitCode", "reason", "logStreamName"));
            child.path("container").fields().forEachRemaining(e -> container.set(e.getKey(), e.getValue()));
            return view;
        }
        JobStatus status = switch (parent.status()) {
            case STARTING -> JobStatus.RUNNABLE;
            default -> parent.status();
        };
        view.put("status", status.name());
        if (parent.status() == JobStatus.FAILED && parent.failedChild() != null && parent.failedChild() != index) {
            view.put("statusReason", "Array job failed: child " + parent.failedChild() + " failed and the rest were stopped");
        }
        if (parent.failedChild() != null && parent.failedChild() == index && parent.exitCode() != null) {
            ((ObjectNode) view.get("container")).put("exitCode", parent.exitCode());
        }
        return view;
    }

    /** A ListJobs entry from a DescribeJobs view. */
    static ObjectNode summary(ObjectNode detail) {
        ObjectNode s = BatchApi.JSON.createObjectNode();
        for (String field : new String[] {"jobArn", "jobId", "jobName", "createdAt", "status", "statusReason", "startedAt",
                "stoppedAt", "jobDefinition"}) {
            if (detail.has(field)) {
                s.set(field, detail.get(field));
            }
        }
        ObjectNode container = s.putObject("container");
        JsonNode c = detail.get("container");
        if (c != null && c.has("exitCode")) {
            container.set("exitCode", c.get("exitCode"));
        }
        if (c != null && c.has("reason")) {
            container.set("reason", c.get("reason"));
        }
        JsonNode array = detail.get("arrayProperties");
        if (array != null) {
            ObjectNode a = s.putObject("arrayProperties");
            if (array.has("size")) {
                a.set("size", array.get("size"));
            }
            if (array.has("index")) {
                a.set("index", array.get("index"));
            }
        }
        return s;
    }

    private static JsonNode read(String json) {
        try {
            return BatchApi.JSON.readTree(json);
        } catch (IOException e) {
            throw ApiException.server("stored job cannot be read: " + e.getMessage());
        }
    }
}

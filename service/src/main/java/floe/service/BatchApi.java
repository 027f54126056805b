package floe.service;

import floe.batch.BatchSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * AWS Batch's operations, JSON in and JSON out with AWS's field names: job definitions and job
 * queues here, jobs in {@link JobsApi}. Every error is an {@link ApiException}.
 */
final class BatchApi {
    static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogStore store;
    private final JobsApi jobs;
    private final JobWorkflows workflows;
    private final LongSupplier clock;

    BatchApi(CatalogStore store, JobsApi jobs, JobWorkflows workflows, LongSupplier clock) {
        this.store = store;
        this.jobs = jobs;
        this.workflows = workflows;
        this.clock = clock;
    }

    /** {@code operation} as in the path {@code /v1/OPERATION}. */
    JsonNode call(String operation, JsonNode body) {
        return switch (operation) {
            case "registerjobdefinition" -> register(body);
            case "describejobdefinitions" -> describeDefinitions(body);
            case "deregisterjobdefinition" -> deregister(body);
            case "createjobqueue" -> createQueue(body);
            case "describejobqueues" -> describeQueues(body);
            case "submitjob" -> jobs.submit(body);
            case "describejobs" -> jobs.describe(body);
            case "listjobs" -> jobs.list(body);
            case "canceljob" -> jobs.stop(body, false);
            case "terminatejob" -> jobs.stop(body, true);
            case "createschedulingpolicy", "updateschedulingpolicy" -> throw ApiException.client("Fair-share scheduling policies"
                    + " are not supported by Floe: its job queues run jobs first in, first out (submit without shareIdentifier"
                    + " and schedulingPriorityOverride)");
            case "describeschedulingpolicies" -> JSON.createObjectNode().set("schedulingPolicies", JSON.createArrayNode());
            case "listschedulingpolicies" -> JSON.createObjectNode().set("schedulingPolicies", JSON.createArrayNode());
            default -> throw ApiException.notFound("Unknown operation: " + operation
                    + " (known: registerjobdefinition, describejobdefinitions, deregisterjobdefinition, createjobqueue,"
                    + " describejobqueues, submitjob, describejobs, listjobs, canceljob, terminatejob, describeschedulingpolicies,"
                    + " listschedulingpolicies)");
        };
    }

    private JsonNode register(JsonNode body) {
        String name = Validation.name(body, "jobDefinitionName");
        String type = Validation.required(body, "type");
        if (!type.equals("container")) {
            throw ApiException.client("type '" + type + "' is not supported by Floe: use container");
        }
        BatchSpec.JobDefinition definition = JobWorkflows.read(body, BatchSpec.JobDefinition.class);
        if (definition.containerProperties() == null) {
            throw ApiException.client("containerProperties is required for a container job definition");
        }
        if (definition.containerProperties().command() == null || definition.containerProperties().command().isEmpty()) {
            throw ApiException.client("containerProperties.command is required: Floe runs the command given (it has no image to take one from)");
        }
        if (definition.retryStrategy() != null) {
            Validation.attempts(definition.retryStrategy().attempts());
        }
        if (definition.timeout() != null) {
            Validation.timeout(definition.timeout().attemptDurationSeconds());
        }
        try {
            // What the definition restricts (user, ulimits, readonlyRootFilesystem, secrets) is honoured here or refused now.
            workflows.check(definition);
        } catch (floe.SpecException e) {
            throw ApiException.client(e.getMessage());
        }
        Records.Definition stored = store.register(name, body.toString(), clock.getAsLong());
        ObjectNode out = JSON.createObjectNode();
        out.put("jobDefinitionName", name);
        out.put("jobDefinitionArn", Arns.jobDefinition(name, stored.revision()));
        out.put("revision", stored.revision());
        return out;
    }

    private JsonNode describeDefinitions(JsonNode body) {
        List<Records.Definition> found = new ArrayList<>();
        JsonNode asked = body.get("jobDefinitions");
        String status = Validation.optional(body, "status");
        if (asked != null && asked.isArray() && !asked.isEmpty()) {
            for (JsonNode ref : asked) {
                String r = Arns.name("job-definition", ref.asText());
                if (r.contains(":")) {
                    Records.Definition d = store.definition(r.substring(0, r.indexOf(':')), revision(r));
                    if (d != null) {
                        found.add(d);
                    }
                } else {
                    found.addAll(store.definitions(r, status));
                }
            }
        } else {
            found.addAll(store.definitions(Validation.optional(body, "jobDefinitionName"), status));
        }
        int offset = Validation.offset(body);
        int max = Validation.maxResults(body, 100);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("jobDefinitions");
        for (Records.Definition d : found.subList(Math.min(offset, found.size()), Math.min(offset + max, found.size()))) {
            list.add(definitionView(d));
        }
        if (offset + max < found.size()) {
            out.put("nextToken", Integer.toString(offset + max));
        }
        return out;
    }

    static ObjectNode definitionView(Records.Definition d) {
        ObjectNode view = JSON.createObjectNode();
        view.put("jobDefinitionName", d.name());
        view.put("jobDefinitionArn", Arns.jobDefinition(d.name(), d.revision()));
        view.put("revision", d.revision());
        view.put("status", d.status());
        try {
            JsonNode spec = JSON.readTree(d.spec());
            spec.fields().forEachRemaining(e -> {
                if (!view.has(e.getKey())) {
                    view.set(e.getKey(), e.getValue());
                }
            });
        } catch (java.io.IOException e) {
            throw ApiException.server("stored job definition " + d.ref() + " cannot be read");
        }
        return view;
    }

    private JsonNode deregister(JsonNode body) {
        String ref = Arns.name("job-definition", Validation.required(body, "jobDefinition"));
        if (!ref.contains(":")) {
            throw ApiException.client("jobDefinition '" + ref + "' must name a revision: name:revision or its ARN");
        }
        if (!store.deregister(ref.substring(0, ref.indexOf(':')), revision(ref))) {
            throw ApiException.client("Job definition " + ref + " does not exist");
        }
        return JSON.createObjectNode();
    }

    private static int revision(String ref) {
        String rev = ref.substring(ref.indexOf(':') + 1);
        try {
            return Integer.parseInt(rev);
        } catch (NumberFormatException e) {
            throw ApiException.client("revision '" + rev + "' of job definition " + ref + " is not a number");
        }
    }

    private JsonNode createQueue(JsonNode body) {
        String name = Validation.name(body, "jobQueueName");
        String state = body.hasNonNull("state") ? body.get("state").asText() : "ENABLED";
        if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
            throw ApiException.client("state must be ENABLED or DISABLED, got '" + state + "'");
        }
        if (body.hasNonNull("schedulingPolicyArn")) {
            throw ApiException.client("schedulingPolicyArn: fair-share scheduling policies are not supported by Floe:"
                    + " its job queues run jobs first in, first out");
        }
        int priority = body.hasNonNull("priority") ? body.get("priority").asInt() : 1;
        if (!store.createQueue(name, state, priority, clock.getAsLong())) {
            throw ApiException.client("Object already exists: job queue " + name);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("jobQueueName", name);
        out.put("jobQueueArn", Arns.queue(name));
        return out;
    }

    private JsonNode describeQueues(JsonNode body) {
        List<Records.Queue> queues = new ArrayList<>();
        JsonNode asked = body.get("jobQueues");
        if (asked != null && asked.isArray() && !asked.isEmpty()) {
            for (JsonNode q : asked) {
                Records.Queue queue = store.queue(Arns.name("job-queue", q.asText()));
                if (queue != null) {
                    queues.add(queue);
                }
            }
        } else {
            queues.addAll(store.queues());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("jobQueues");
        for (Records.Queue q : queues) {
            ObjectNode view = list.addObject();
            view.put("jobQueueName", q.name());
            view.put("jobQueueArn", Arns.queue(q.name()));
            view.put("state", q.state());
            view.put("status", "VALID");
            view.put("statusReason", "JobQueue Healthy");
            view.put("priority", q.priority());
            view.putArray("computeEnvironmentOrder");
        }
        return out;
    }
}

package floe.service;

import floe.SpecException;
import floe.batch.BatchSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/** SubmitJob, DescribeJobs, ListJobs, CancelJob and TerminateJob. */
final class JobsApi {
    private static final int MAX_DEPENDENCIES = 20;

    private final JobStore store;
    private final CatalogStore catalog;
    private final Dispatcher dispatcher;
    private final JobWorkflows workflows;
    private final LongSupplier clock;

    JobsApi(JobStore store, CatalogStore catalog, Dispatcher dispatcher, JobWorkflows workflows, LongSupplier clock) {
        this.store = store;
        this.catalog = catalog;
        this.dispatcher = dispatcher;
        this.workflows = workflows;
        this.clock = clock;
    }

    JsonNode submit(JsonNode body) {
        String name = Validation.name(body, "jobName");
        String queueName = Arns.name("job-queue", Validation.required(body, "jobQueue"));
        String definitionRef = Arns.name("job-definition", Validation.required(body, "jobDefinition"));
        BatchSpec.Job job = JobWorkflows.read(body, BatchSpec.Job.class);
        Records.Queue queue = catalog.queue(queueName);
        if (queue == null) {
            throw ApiException.client("JobQueue " + queueName + " not found");
        }
        if (!queue.state().equals("ENABLED")) {
            throw ApiException.client("JobQueue " + queueName + " is DISABLED: it takes no new jobs");
        }
        schedulingFields(body, queueName);
        JsonNode tags = tags(body);
        Records.Definition definition = definition(definitionRef);
        Integer size = job.arrayProperties() == null ? null : job.arrayProperties().size();
        if (size != null && (size < 2 || size > 10_000)) {
            throw ApiException.client("Error executing request, Exception : Array size must be between 2 and 10000, got " + size);
        }
        List<Records.Dependency> dependencies = dependencies(job, size);
        if (job.retryStrategy() != null) {
            Validation.attempts(job.retryStrategy().attempts());
        }
        if (job.timeout() != null) {
            Validation.timeout(job.timeout().attemptDurationSeconds());
        }
        String id = UUID.randomUUID().toString();
        try {
            // The whole job as it will run, worked out now: a job that cannot run is refused, not failed later.
            workflows.workflow(id, queueName, definition.ref(), JobWorkflows.definition(definition.spec()), job);
        } catch (SpecException e) {
            throw ApiException.client(e.getMessage());
        }
        ObjectNode stored = BatchApi.JSON.valueToTree(job);
        stored.put("jobDefinition", definition.ref());
        if (tags != null) {
            stored.set("tags", tags);
        }
        if (body.hasNonNull("propagateTags")) {
            stored.put("propagateTags", body.get("propagateTags").asBoolean());
        }
        store.insert(new Records.Job(id, name, queueName, definition.name(), definition.revision(), stored.toString(), size,
                JobStatus.SUBMITTED, null, clock.getAsLong(), null, null, 0, 0, 0, null, null, "[]", null, dependencies));
        dispatcher.submitted(id);
        ObjectNode out = BatchApi.JSON.createObjectNode();
        out.put("jobArn", Arns.job(id));
        out.put("jobName", name);
        out.put("jobId", id);
        return out;
    }

    /**
     * {@code shareIdentifier} and {@code schedulingPriorityOverride} belong to fair-share
     * scheduling, which needs a queue with a scheduling policy; Floe's queues have none (it has no
     * scheduling policies), so they are refused as AWS refuses them on such a queue.
     */
    private static void schedulingFields(JsonNode body, String queue) {
        String share = Validation.optional(body, "shareIdentifier");
        if (share != null) {
            throw ApiException.client("Share identifier " + share + " is not valid for a job queue without a scheduling policy"
                    + " (Floe's job queues have no scheduling policies: submit without shareIdentifier)");
        }
        if (body.hasNonNull("schedulingPriorityOverride")) {
            throw ApiException.client("schedulingPriorityOverride is not valid for a job queue without a scheduling policy"
                    + " (Floe's job queues have no scheduling policies: submit without it)");
        }
    }

    /** SubmitJob's {@code tags}: up to 50, keys of 1 to 128 characters and values of up to 256, not starting with aws:. */
    private static JsonNode tags(JsonNode body) {
        JsonNode tags = body.get("tags");
        if (tags == null || tags.isNull()) {
            return null;
        }
        if (!tags.isObject()) {
            throw ApiException.client("tags must be a map of strings");
        }
        if (tags.size() > 50) {
            throw ApiException.client("tags: at most 50 tags, got " + tags.size());
        }
        tags.fields().forEachRemaining(e -> {
            if (e.getKey().isEmpty() || e.getKey().length() > 128 || !e.getValue().isTextual() || e.getValue().asText().length() > 256) {
                throw ApiException.client("tags: '" + e.getKey() + "': keys are 1 to 128 characters, values strings of up to 256");
            }
            if (e.getKey().toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw ApiException.client("tags: '" + e.getKey() + "': the aws: prefix is reserved");
            }
        });
        return tags;
    }

    private Records.Definition definition(String ref) {
        Records.Definition d;
        if (ref.contains(":")) {
            int revision;
            try {
                revision = Integer.parseInt(ref.substring(ref.indexOf(':') + 1));
            } catch (NumberFormatException e) {
                throw ApiException.client("Job definition " + ref + " is invalid: name:revision, name or its ARN");
            }
            d = catalog.definition(ref.substring(0, ref.indexOf(':')), revision);
        } else {
            d = catalog.definition(ref, null);
        }
        if (d == null || !d.status().equals("ACTIVE")) {
            throw ApiException.client("Job definition " + ref + " not found" + (d == null ? "" : " (it is INACTIVE)"));
        }
        return d;
    }

    private List<Records.Dependency> dependencies(BatchSpec.Job job, Integer size) {
        List<Records.Dependency> out = new ArrayList<>();
        if (job.dependsOn() == null) {
            return out;
        }
        if (job.dependsOn().size() > MAX_DEPENDENCIES) {
            throw ApiException.client("Error executing request, Exception : A job can depend on at most " + MAX_DEPENDENCIES
                    + " jobs, got " + job.dependsOn().size());
        }
        for (int i = 0; i < job.dependsOn().size(); i++) {
            BatchSpec.DependsOn d = job.dependsOn().get(i);
            String type = d.type();
            if (type != null && !type.equals("N_TO_N") && !type.equals("SEQUENTIAL")) {
                throw ApiException.client("dependsOn[" + i + "].type '" + type + "' is invalid: N_TO_N or SEQUENTIAL");
            }
            if ((type != null) && size == null) {
                throw ApiException.client("dependsOn[" + i + "]: " + type + " dependencies are for array jobs only");
            }
            if ("SEQUENTIAL".equals(type)) {
                if (d.jobId() != null && !d.jobId().isEmpty()) {
                    throw ApiException.client("dependsOn[" + i + "]: a SEQUENTIAL dependency names no jobId");
                }
                continue;
            }
            if (d.jobId() == null || d.jobId().isEmpty()) {
                throw ApiException.client("dependsOn[" + i + "].jobId is required");
            }
            Records.Job upstream = store.job(d.jobId());
            if (upstream == null) {
                throw ApiException.client("Dependent job ID " + d.jobId() + " is invalid: no such job");
            }
            if ("N_TO_N".equals(type) && !size.equals(upstream.arraySize())) {
                throw ApiException.client("dependsOn[" + i + "]: N_TO_N needs array jobs of the same size: " + d.jobId() + " has "
                        + (upstream.arraySize() == null ? "no array" : "size " + upstream.arraySize()) + ", this job size " + size);
            }
            if (out.stream().noneMatch(x -> x.jobId().equals(d.jobId()))) {
                out.add(new Records.Dependency(d.jobId(), type));
            }
        }
        return out;
    }

    JsonNode describe(JsonNode body) {
        JsonNode ids = body.get("jobs");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.client("jobs is required: a list of 1 to 100 job ids");
        }
        if (ids.size() > 100) {
            throw ApiException.client("jobs: at most 100 job ids, got " + ids.size());
        }
        List<String> parents = new ArrayList<>();
        for (JsonNode id : ids) {
            parents.add(JobViews.parentId(id.asText()));
        }
        List<Records.Job> found = store.jobs(parents);
        java.util.Map<String, JsonNode> definitions = new java.util.HashMap<>();
        ObjectNode out = BatchApi.JSON.createObjectNode();
        ArrayNode list = out.putArray("jobs");
        for (JsonNode idNode : ids) {
            String id = idNode.asText();
            Records.Job job = found.stream().filter(j -> j.id().equals(JobViews.parentId(id))).findFirst().orElse(null);
            Integer child = JobViews.childIndex(id);
            if (job == null || (child != null && (job.arraySize() == null || child >= job.arraySize()))) {
                continue;
            }
            JsonNode def = definitions.computeIfAbsent(job.definitionRef(), ref -> definitionSpec(job));
            list.add(child == null ? JobViews.detail(job, def) : JobViews.childDetail(job, child, def));
        }
        return out;
    }

    /** The job definition {@code job} was submitted with, as registered (null if it cannot be read). */
    private JsonNode definitionSpec(Records.Job job) {
        Records.Definition d = catalog.definition(job.definitionName(), job.definitionRevision());
        if (d == null) {
            return null;
        }
        try {
            return BatchApi.JSON.readTree(d.spec());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    JsonNode list(JsonNode body) {
        String queue = Validation.optional(body, "jobQueue");
        String arrayJobId = Validation.optional(body, "arrayJobId");
        if (queue == null && arrayJobId == null) {
            throw ApiException.client("Either jobQueue or arrayJobId is required");
        }
        java.util.function.Predicate<String> name = nameFilter(body);
        String statusName = Validation.optional(body, "jobStatus");
        JobStatus status;
        try {
            status = statusName == null ? JobStatus.RUNNING : JobStatus.valueOf(statusName);
        } catch (IllegalArgumentException e) {
            throw ApiException.client("jobStatus '" + statusName + "' is invalid: one of " + List.of(JobStatus.values()));
        }
        int max = Validation.maxResults(body, 100);
        int offset = Validation.offset(body);
        ObjectNode out = BatchApi.JSON.createObjectNode();
        ArrayNode list = out.putArray("jobSummaryList");
        if (arrayJobId != null) {
            Records.Job parent = store.job(arrayJobId);
            if (parent == null || parent.arraySize() == null) {
                throw ApiException.client("arrayJobId " + arrayJobId + " is not an array job");
            }
            List<ObjectNode> children = new ArrayList<>();
            for (int i = 0; i < parent.arraySize(); i++) {
                ObjectNode child = JobViews.childDetail(parent, i);
                if (child.get("status").asText().equals(status.name())) {
                    children.add(JobViews.summary(child));
                }
            }
            children.subList(Math.min(offset, children.size()), Math.min(offset + max, children.size())).forEach(list::add);
            if (offset + max < children.size()) {
                out.put("nextToken", Integer.toString(offset + max));
            }
            return out;
        }
        if (name != null) {
            // As AWS does: with a filter, jobs of every status are listed.
            List<Records.Job> named = store.list(Arns.name("job-queue", queue), null, Integer.MAX_VALUE, 0).stream()
                    .filter(j -> name.test(j.name())).toList();
            named.subList(Math.min(offset, named.size()), Math.min(offset + max, named.size()))
                    .forEach(j -> list.add(JobViews.summary(JobViews.detail(j))));
            if (offset + max < named.size()) {
                out.put("nextToken", Integer.toString(offset + max));
            }
            return out;
        }
        List<Records.Job> jobs = store.list(Arns.name("job-queue", queue), Set.of(status), max + 1, offset);
        for (Records.Job j : jobs.subList(0, Math.min(max, jobs.size()))) {
            list.add(JobViews.summary(JobViews.detail(j)));
        }
        if (jobs.size() > max) {
            out.put("nextToken", Integer.toString(offset + max));
        }
        return out;
    }

    /** ListJobs {@code filters}: JOB_NAME (a trailing * matches any rest) is supported; others are refused, not ignored. */
    private static java.util.function.Predicate<String> nameFilter(JsonNode body) {
        JsonNode filters = body.get("filters");
        if (filters == null || filters.isNull() || filters.isEmpty()) {
            return null;
        }
        java.util.function.Predicate<String> match = n -> false;
        for (JsonNode f : filters) {
            String filter = f.path("name").asText();
            if (!filter.equals("JOB_NAME")) {
                throw ApiException.client("filters: '" + filter + "' is not supported by Floe (supported: JOB_NAME)");
            }
            for (JsonNode v : f.path("values")) {
                String value = v.asText();
                java.util.function.Predicate<String> one = value.endsWith("*")
                        ? n -> n.startsWith(value.substring(0, value.length() - 1)) : value::equals;
                match = match.or(one);
            }
        }
        return match;
    }

    JsonNode stop(JsonNode body, boolean terminate) {
        String id = Validation.required(body, "jobId");
        String reason = Validation.required(body, "reason");
        Records.Job job = store.job(id);
        if (job == null) {
            throw ApiException.client("Job " + id + " not found");
        }
        if (!job.status().done() && (terminate || JobStatus.WAITING.contains(job.status()))) {
            try {
                dispatcher.stop(id, reason, terminate).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.server("interrupted");
            } catch (ExecutionException e) {
                throw ApiException.server("could not stop job " + id + ": " + e.getCause().getMessage());
            }
        }
        return BatchApi.JSON.createObjectNode();
    }
}

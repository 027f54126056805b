package floe.service;

import floe.SpecException;
import floe.batch.BatchJobs;
import floe.batch.BatchSpec;
import floe.model.Workflow;
import floe.spec.LocalImages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** A stored job and its definition -> the one-stage Floe workflow that runs it. */
final class JobWorkflows {
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, String> volumes;
    private final LocalImages images;
    private final Set<String> commandEnv;
    private final String secretsDir;
    private final Path outcomes;
    private final String runAs;
    /** Where each run records the tasks that succeeded ({@code floe.run.journal}), or null. */
    private String journal;

    /**
     * {@code commandEnv}: the variables of the TaskManager's environment commands see;
     * {@code secretsDir}: where secrets are read from (null: none); {@code outcomes}: where each
     * run's children write their attempts ({@code outcomes/JOB/run-N/child-I.jsonl}).
     */
    JobWorkflows(Map<String, String> volumes, LocalImages images, Set<String> commandEnv, String secretsDir, Path outcomes) {
        this(volumes, images, commandEnv, secretsDir, outcomes, null);
    }

    /** As above, commands running as {@code runAs} when their definition names no user (null: the service's user). */
    JobWorkflows(Map<String, String> volumes, LocalImages images, Set<String> commandEnv, String secretsDir, Path outcomes,
            String runAs) {
        if (runAs != null) {
            BatchJobs.checkUser(runAs, BatchServiceOptions.RUN_AS.key());
        }
        this.runAs = runAs;
        this.volumes = Map.copyOf(volumes);
        this.images = images;
        this.commandEnv = Set.copyOf(commandEnv);
        this.secretsDir = secretsDir;
        this.outcomes = outcomes;
    }

    /** This, with the runs' journal at {@code journal} (a URI; null: none). */
    JobWorkflows withJournal(String journal) {
        this.journal = journal;
        return this;
    }

    /**
     * Removes what the journal holds of job {@code jobId}, once its end is committed: it never runs
     * again. A journal left behind by a crash between the two costs only disk.
     */
    void forgetJournal(String jobId) {
        if (journal == null) {
            return;
        }
        try {
            floe.exec.TaskJournal.forget(journal, jobId);
        } catch (java.io.IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JobWorkflows.class).warn("job {}: its journal cannot be removed: {}", jobId, e.toString());
        }
    }

    /** Run {@code run} of {@code job}; the children in {@code dependencyFailed} fail without running. */
    Workflow workflow(Records.Job job, Records.Definition definition, int run, Set<Integer> dependencyFailed) {
        return BatchJobs.job(job.id(), definition.ref(), definition(definition.spec()), submission(job.spec()), volumes, images,
                service(job.queue(), dependencyFailed, outcomes(job.id(), run)));
    }

    /** The job as a submission would run it: refused here if it cannot run. */
    Workflow workflow(String jobId, String queue, String definitionRef, BatchSpec.JobDefinition definition, BatchSpec.Job job) {
        return BatchJobs.job(jobId, definitionRef, definition, job, volumes, images, service(queue, Set.of(), outcomes(jobId, 0)));
    }

    /** Checks at registration what {@code definition} asks of this machine (user, ulimits, secrets...). */
    void check(BatchSpec.JobDefinition definition) {
        BatchJobs.check(definition, service(null, Set.of(), null));
    }

    /** Where the children of run {@code run} of job {@code jobId} write their attempts. */
    Path outcomes(String jobId, int run) {
        return outcomes.resolve(jobId).resolve("run-" + run);
    }

    private BatchJobs.Service service(String queue, Set<Integer> dependencyFailed, Path outcomeDir) {
        return new BatchJobs.Service(queue, commandEnv, secretsDir, dependencyFailed, outcomeDir == null ? null : outcomeDir.toString(),
                runAs);
    }

    static BatchSpec.JobDefinition definition(String json) {
        return parse(json, BatchSpec.JobDefinition.class);
    }

    static BatchSpec.Job submission(String json) {
        return parse(json, BatchSpec.Job.class);
    }

    /** Reads a request body as Batch's JSON; a field Floe does not know is a ClientException naming it. */
    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return STRICT.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.client(path(e) + ": unknown field '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (JsonProcessingException e) {
            throw ApiException.client(path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
        }
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder out = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
                } else {
                    out.append('[').append(r.getIndex()).append(']');
                }
            }
            return out.toString();
        }
        return "request";
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return STRICT.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SpecException("stored " + type.getSimpleName() + " cannot be read: " + e.getOriginalMessage());
        }
    }
}

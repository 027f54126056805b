package floe.batch;

import floe.SpecException;
import floe.model.Workflow;
import floe.spec.LocalImages;
import floe.spec.SpecLocations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a directory of Batch job definitions and job submissions (JSON) as one workflow.
 * Definitions are registered in file-name order (names compared without {@code .json}, so
 * {@code x.json} comes before {@code x-rev2.json}); a repeated {@code jobDefinitionName} gets
 * revision 2, 3, ... A job's {@code dependsOn[].jobId} names another job of the set by its
 * {@code jobName}.
 *
 * <pre>{@code
 * Workflow wf = BatchJobs.fromDirectory(Path.of("batch/"), Map.of("workdir", "/data/run1"), "scripts/");
 * }</pre>
 */
public final class BatchJobs {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What a job's children see as {@code AWS_BATCH_CE_NAME}: the compute environment is this service's machines. */
    public static final String COMPUTE_ENVIRONMENT = "floe";

    /**
     * How the service runs a job: its queue ({@code AWS_BATCH_JQ_NAME}); the names of the variables
     * commands take from the TaskManager's environment ({@code commandEnv}; null: all of it, as
     * {@code floe batch run} does); where {@code secrets} are read from; the children whose
     * {@code N_TO_N} dependency failed (they fail without running); and the directory each child's
     * attempts are written to ({@code outcomes}; with one, a failing child fails alone: its siblings
     * run on and the Flink job ends normally); {@code runAs}: the user commands run as when their
     * definition names none (null: the service's own).
     */
    public record Service(String queue, java.util.Set<String> commandEnv, String secretsDir,
            java.util.Set<Integer> dependencyFailed, String outcomes, String runAs) implements java.io.Serializable {
        public Service {
            commandEnv = commandEnv == null ? null : java.util.Set.copyOf(commandEnv);
            dependencyFailed = java.util.Set.copyOf(dependencyFailed);
        }

        /** As above, commands running as the service's user unless their definition names a {@code user}. */
        public Service(String queue, java.util.Set<String> commandEnv, String secretsDir, java.util.Set<Integer> dependencyFailed,
                String outcomes) {
            this(queue, commandEnv, secretsDir, dependencyFailed, outcomes, null);
        }

        /** A run from the command line: the user's own environment, no secrets, a failing child fails the run. */
        public static final Service LOCAL = new Service(null, null, null, java.util.Set.of(), null, null);
    }

    /**
     * Checks that commands can run as {@code user} here ({@code NAME}, {@code UID}, {@code NAME:GROUP},
     * {@code UID:GID}: the service runs as root, and the user exists); throws naming {@code setting}.
     */
    public static void checkUser(String user, String setting) {
        CommandLimits.user(user, setting);
    }

    private BatchJobs() {}

    public static Workflow fromDirectory(Path dir, Map<String, String> volumes, String imageDir) {
        return fromDirectory(dir, volumes, LocalImages.anyIn(imageDir));
    }

    /** As above, with rules for which images may run here and where ({@link LocalImages}). */
    public static Workflow fromDirectory(Path dir, Map<String, String> volumes, LocalImages images) {
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString().replaceAll("\\.json$", "")))
                    .toList();
        } catch (IOException e) {
            throw new SpecException(dir + ": cannot be listed: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new SpecException(dir + ": no .json files (job definitions and job submissions)");
        }
        Map<String, String> texts = new java.util.HashMap<>();
        List<BatchConverter.Located<BatchSpec.JobDefinition>> definitions = new ArrayList<>();
        List<BatchConverter.Located<BatchSpec.Job>> jobs = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            try {
                texts.put(name, Files.readString(f));
                JsonNode node = JSON.readTree(f.toFile());
                if (node != null && node.has("jobDefinitionName")) {
                    definitions.add(new BatchConverter.Located<>(name, JSON.treeToValue(node, BatchSpec.JobDefinition.class)));
                } else if (node != null && node.has("jobName")) {
                    jobs.add(new BatchConverter.Located<>(name, JSON.treeToValue(node, BatchSpec.Job.class)));
                } else {
                    throw new SpecException(name + ": neither a job definition (jobDefinitionName) nor a job submission (jobName)");
                }
            } catch (JsonProcessingException e) {
                throw new SpecException(describe(name, f, e));
            } catch (IOException e) {
                throw new SpecException(name + ": cannot be read: " + e.getMessage());
            }
        }
        String workflow = dir.toAbsolutePath().normalize().getFileName().toString();
        try {
            return new BatchConverter(definitions, jobs, volumes, images).convert(workflow.matches("[A-Za-z0-9][A-Za-z0-9._-]*") ? workflow : "batch");
        } catch (SpecException e) {
            throw located(e, texts);
        }
    }

    /**
     * One job submitted on its own, as a job queue runs it: a workflow named {@code jobId} with one
     * stage named after the job, its children seeing {@code jobId} as {@code AWS_BATCH_JOB_ID}.
     * Dependencies on other jobs are the queue's to wait for and are left out; {@code SEQUENTIAL}
     * stays (children one after another). Errors read {@code job: FIELD: detail} or
     * {@code jobDefinition NAME:REV: FIELD: detail}.
     */
    public static Workflow job(String jobId, String definitionRef, BatchSpec.JobDefinition definition, BatchSpec.Job job,
            Map<String, String> volumes, LocalImages images) {
        return job(jobId, definitionRef, definition, job, volumes, images, Service.LOCAL);
    }

    /** As above, run by the service as {@code service} says. */
    public static Workflow job(String jobId, String definitionRef, BatchSpec.JobDefinition definition, BatchSpec.Job job,
            Map<String, String> volumes, LocalImages images, Service service) {
        List<BatchSpec.DependsOn> sequential = job.dependsOn() == null ? List.of()
                : job.dependsOn().stream().filter(d -> "SEQUENTIAL".equals(d.type())).toList();
        BatchSpec.Job alone = new BatchSpec.Job(job.jobName(), definition.jobDefinitionName(), sequential,
                job.arrayProperties(), job.retryStrategy(), job.timeout(), job.parameters(), job.containerOverrides());
        return new BatchConverter(List.of(new BatchConverter.Located<>("jobDefinition " + definitionRef, definition)),
                List.of(new BatchConverter.Located<>("job", alone)), volumes, images).withJobId(jobId).withService(service).convert(jobId);
    }

    /**
     * Checks at registration what a job definition asks of the machine its commands run on
     * ({@code user}, {@code ulimits}, {@code readonlyRootFilesystem}, {@code secrets}); throws
     * naming the field ({@code containerProperties.user: ...}) when it cannot be honoured here.
     */
    public static void check(BatchSpec.JobDefinition definition, Service service) {
        if (definition.containerProperties() != null) {
            try {
                BatchConverter.check("x", definition.containerProperties(), service);
            } catch (SpecException e) {
                throw new SpecException(e.getMessage().substring(3));
            }
        }
    }

    /** Converter messages read {@code FILE: PATH: detail}: put the path's line and column in. */
    private static SpecException located(SpecException e, Map<String, String> texts) {
        String[] parts = e.getMessage().split(": ", 3);
        if (parts.length == 3 && texts.containsKey(parts[0]) && parts[1].matches("[A-Za-z][\\w.\\[\\]]*")) {
            try {
                return new SpecException(SpecLocations.of(parts[0], texts.get(parts[0])).at(parts[1]) + ": " + parts[2]);
            } catch (IOException io) {
                return e;
            }
        }
        return e;
    }

    private static String describe(String name, Path file, JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return located(name, file, u) + ": unknown field '" + u.getPropertyName() + "' (known: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return located(name, file, m) + ": " + e.getOriginalMessage().split("\n")[0];
        }
        String where = e.getLocation() == null ? name : name + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        return where + ": not valid JSON: " + e.getOriginalMessage().split("\n")[0];
    }

    /** {@code NAME:LINE:COLUMN: PATH}, the field found by reading the file again with locations. */
    private static String located(String name, Path file, JsonMappingException e) {
        try {
            return SpecLocations.of(name, Files.readString(file)).at(SpecLocations.path(e));
        } catch (IOException io) {
            return name + ": " + SpecLocations.path(e);
        }
    }
}

package floe.run;

import floe.FloeException;
import floe.compile.Plan;
import floe.run.rest.FlinkRest;
import floe.run.rest.RestCallException;
import floe.run.rest.RestUnreachableException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.rest.messages.job.JobExecutionResultResponseBody;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.apache.flink.util.InstantiationUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Floe jobs on a Flink cluster through its REST API, in one of two ways, and follows them
 * stage by stage until they end.
 * <ul>
 * <li>From the jobs jar ({@code floe submit}): the jar is uploaded once (a jar of the same content
 * is found again by its name, which carries its checksum) and run with the job's arguments
 * ({@code /jars/:id/run}: the program runs in the JobManager and submits the job).
 * <li>From a job graph compiled here ({@link SessionRunner}, the Batch service): the graph goes
 * with the jars that hold Floe's classes ({@code POST /jobs}).
 * </ul>
 *
 * <pre>{@code
 * RestRunner flink = RestRunner.on(FlinkRest.connect(URI.create("http://127.0.0.1:8081"), conf, Optional.empty()));
 * RestRunner.Jar jar = flink.ensureJar(Path.of("jobs/target/floe-jobs.jar"));
 * String job = flink.runJar(jar, List.of("tree-merge", "--input", "/data/level-0", ...));
 * RunResult result = flink.follow(job, plan, TerminalProgress.onStderr(), Optional.empty());
 * }</pre>
 */
public final class RestRunner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestRunner.class);
    private static final long POLL_MILLIS = 250;
    private static final Pattern MAIN_FAILED = Pattern.compile("The main method caused an error: (.*)");
    private static final long RESULT_WAIT_MILLIS = 30_000;

    /** How long a job is followed through a cluster that does not answer before it counts as lost. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final FlinkRest rest;
    private final Duration patience;

    private RestRunner(FlinkRest rest, Duration patience) {
        this.rest = rest;
        this.patience = patience;
    }

    public static RestRunner on(FlinkRest rest) {
        return new RestRunner(rest, PATIENCE);
    }

    /** As {@link #on(FlinkRest)}, giving up on a cluster that does not answer after {@code patience}. */
    static RestRunner on(FlinkRest rest, Duration patience) {
        return new RestRunner(rest, patience);
    }

    public FlinkRest rest() {
        return rest;
    }

    /** A jar on the cluster; {@code uploaded} is false when one of the same content was there already. */
    public record Jar(String id, String name, boolean uploaded) {}

    /** The cluster's copy of {@code jar}, uploading it only if no jar of the same checksum is there. */
    public Jar ensureJar(Path jar) {
        String name = nameFor(jar);
        for (JsonNode file : rest.get("/jars").path("files")) {
            if (name.equals(file.path("name").asText())) {
                return new Jar(file.path("id").asText(), name, false);
            }
        }
        JsonNode answer = rest.uploadJar(jar, name);
        String stored = answer.path("filename").asText();
        if (stored.isEmpty()) {
            throw new FloeException(rest.address() + "/jars/upload: no file name in the answer: " + answer);
        }
        return new Jar(Path.of(stored).getFileName().toString(), name, true);
    }

    /**
     * Runs the jar's main class with {@code args} in the JobManager and returns the job's id. A
     * program that fails before submitting (bad arguments on the cluster's side) fails here with
     * its message.
     */
    public String runJar(Jar jar, List<String> args) {
        var body = FlinkRest.object();
        ArrayNode list = body.putArray("programArgsList");
        args.forEach(list::add);
        try {
            JsonNode answer = rest.post("/jars/" + jar.id() + "/run", body);
            return answer.path("jobid").asText();
        } catch (RestCallException e) {
            for (String error : e.errors()) {
                Matcher m = MAIN_FAILED.matcher(error);
                if (m.find()) {
                    throw new FloeException("the cluster refused the job: " + m.group(1).trim(), e);
                }
            }
            // Not the program's own error: the server's root cause says more than "Internal server error."
            String cause = e.errors().stream().flatMap(String::lines).filter(l -> l.startsWith("Caused by: "))
                    .reduce((a, b) -> b).map(l -> l.substring("Caused by: ".length())).orElse(null);
            if (cause != null) {
                throw new FloeException("the cluster could not run " + jar.name() + ": " + cause, e);
            }
            throw e;
        }
    }

    /**
     * Submits {@code graph} with the jars it names ({@code POST /jobs}: the serialized graph and
     * the jars in one upload) and returns the job's id.
     */
    public String submit(JobGraph graph) {
        String graphFile = "job-" + graph.getJobID() + ".graph";
        byte[] serialized;
        try {
            serialized = InstantiationUtil.serializeObject(graph);
        } catch (IOException e) {
            throw new FloeException("cannot serialize the job graph of '" + graph.getName() + "': " + e.getMessage(), e);
        }
        List<FlinkRest.FilePart> files = new java.util.ArrayList<>();
        files.add(FlinkRest.FilePart.of("file_0", graphFile, "application/octet-stream", serialized));
        var request = FlinkRest.object();
        request.put("executionPlanFileName", graphFile);
        ArrayNode jars = request.putArray("jobJarFileNames");
        request.putArray("jobArtifactFileNames");
        for (org.apache.flink.core.fs.Path jar : graph.getUserJars()) {
            jars.add(jar.getName());
            files.add(FlinkRest.FilePart.of("file_" + files.size(), jar.getName(), "application/java-archive", Path.of(jar.toUri())));
        }
        return post(graph.getJobID().toHexString(), request, files);
    }

    /**
     * Posts a job, again while the cluster does not answer, up to the patience. The id is the
     * graph's own: before each repeat the cluster is asked whether an earlier post arrived after all.
     */
    private String post(String jobId, JsonNode request, List<FlinkRest.FilePart> files) {
        long since = System.nanoTime();
        for (boolean again = false; ; again = true) {
            try {
                if (again && knowsQuietly(jobId)) {
                    return jobId;
                }
                rest.postFiles("/jobs", request, files); // the cluster takes the graph's id as the job's
                return jobId;
            } catch (RestUnreachableException e) {
                if (System.nanoTime() - since > patience.toNanos()) {
                    throw e;
                }
                LOG.warn("job {}: the cluster at {} does not answer ({}); trying again", jobId, rest.address(), e.getMessage());
                try {
                    Thread.sleep(POLL_MILLIS * 4);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new FloeException("interrupted while submitting job " + jobId, interrupted);
                }
            }
        }
    }

    private boolean knowsQuietly(String jobId) {
        try {
            return knowsOnce(jobId);
        } catch (FloeException e) {
            return false;
        }
    }

    /** How long {@link #knows} waits at most between two questions to a cluster that does not answer. */
    private static final long KNOWS_MAX_WAIT_MILLIS = 5_000;

    /**
     * Whether the cluster knows job {@code jobId} (running, or ended and still remembered). Only a
     * definite answer counts: the job's own page (known), or a "no such job" (HTTP 404) from a
     * cluster whose overview answers (unknown). A cluster that does not answer, answers 401, 403
     * or 5xx, or is not Flink is asked again, a few seconds apart, until it answers or the calling
     * thread is interrupted: read as "unknown", it would have a caller submit the job a second time
     * while the first still runs.
     */
    public boolean knows(String jobId) {
        long wait = POLL_MILLIS;
        long lastWarned = 0;
        while (true) {
            try {
                return knowsOnce(jobId);
            } catch (FloeException e) {
                long now = System.nanoTime();
                if (lastWarned == 0 || now - lastWarned > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
                    LOG.warn("job {}: cannot tell whether the cluster at {} still has it ({}); asking again until it answers",
                            jobId, rest.address(), e.getMessage());
                    lastWarned = now;
                }
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FloeException("interrupted while asking the cluster at " + rest.address() + " about job " + jobId, e);
            }
            wait = Math.min(KNOWS_MAX_WAIT_MILLIS, wait * 2);
        }
    }

    /** One question for {@link #knows}: true or false on a definite answer, an exception on anything else. */
    private boolean knowsOnce(String jobId) {
        try {
            rest.get("/jobs/" + jobId);
            return true;
        } catch (RestCallException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        // A 404 may come from something in front of a cluster that is away: it counts once the
        // cluster itself answers, with its overview.
        JsonNode overview = rest.get("/overview");
        if (!overview.has("flink-version")) {
            throw new FloeException(rest.address() + "/overview: not a Flink cluster's overview: " + overview);
        }
        return false;
    }

    /**
     * Follows job {@code jobId} until it ends, telling {@code progress} how each of {@code plan}'s
     * stages stands; cancels it past {@code deadline}. Returns the run's figures when the job
     * finished; throws the failing task's message when it failed.
     */
    public RunResult follow(String jobId, Plan plan, ProgressListener progress, Optional<Duration> deadline) {
        long start = System.nanoTime();
        long cancelAt = deadline.map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
        boolean follow = progress != ProgressListener.none();
        long silentSince = -1;
        long pause = 10;
        try {
            while (true) {
                JsonNode job;
                try {
                    job = rest.get("/jobs/" + jobId);
                    silentSince = -1;
                } catch (RestUnreachableException | RestCallException e) {
                    // A JobManager that restarts (a failover, an upgrade) is away for a while, then
                    // knows its jobs again: wait for it, up to the patience.
                    if (e instanceof RestCallException call && call.status() < 500 && call.status() != 404) {
                        throw e;
                    }
                    long now = System.nanoTime();
                    if (silentSince < 0) {
                        silentSince = now;
                        LOG.warn("job {}: the cluster at {} does not answer ({}); waiting up to {} s", jobId, rest.address(),
                                e.getMessage(), patience.toSeconds());
                    } else if (now - silentSince > patience.toNanos()) {
                        throw new FloeException("lost job " + jobId + " of workflow '" + plan.workflow().name() + "': the cluster at "
                                + rest.address() + " did not answer for " + patience.toSeconds() + " s (" + e.getMessage() + ")", e);
                    }
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                String state = job.path("state").asText();
                boolean ended = List.of("FINISHED", "FAILED", "CANCELED").contains(state);
                if (follow) {
                    progress.update(RestProgress.of(plan, job), ended);
                }
                if (ended) {
                    Duration wall = Duration.ofMillis(Math.max(0, job.path("duration").asLong()));
                    return switch (state) {
                        case "FINISHED" -> Results.of(plan, jobId, wall, accumulators(jobId));
                        case "CANCELED" -> throw System.nanoTime() > cancelAt ? Results.pastDeadline(plan.workflow())
                                : new FloeException("workflow '" + plan.workflow().name() + "' was cancelled (job " + jobId + ")");
                        default -> throw failure(plan, jobId);
                    };
                }
                if (System.nanoTime() > cancelAt && !"CANCELLING".equals(state)) {
                    cancel(jobId);
                }
                // Short jobs end within milliseconds on a warm cluster: ask often at first, then every POLL_MILLIS.
                Thread.sleep(pause);
                pause = Math.min(POLL_MILLIS, pause * 2);
            }
        } catch (InterruptedException | FloeException e) {
            if (!(e instanceof InterruptedException) && !Thread.currentThread().isInterrupted()) {
                throw (FloeException) e;
            }
            // Whoever interrupted the caller wants the run stopped: the job goes with it.
            Thread.interrupted();
            try {
                cancel(jobId);
            } catch (FloeException ignored) {
                // the job may have ended meanwhile
            } finally {
                Thread.currentThread().interrupt();
            }
            throw new FloeException("interrupted while following workflow '" + plan.workflow().name() + "' (job " + jobId
                    + ", cancelled)", e);
        }
    }

    /** Asks the cluster to cancel the job ({@code PATCH /jobs/:id?mode=cancel}). */
    public void cancel(String jobId) {
        rest.patch("/jobs/" + jobId + "?mode=cancel");
    }

    private Map<String, Object> accumulators(String jobId) {
        Map<String, Object> values = new java.util.HashMap<>();
        for (JsonNode a : rest.get("/jobs/" + jobId + "/accumulators").path("user-task-accumulators")) {
            try {
                values.put(a.path("name").asText(), Long.parseLong(a.path("value").asText()));
            } catch (NumberFormatException ignored) {
                // not one of Floe's counters
            }
        }
        return values;
    }

    /**
     * The failing task's own error when a task failed (by type: the job's result carries the
     * failure serialized), else the job's failure.
     */
    private FloeException failure(Plan plan, String jobId) throws InterruptedException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        JobResult result = result(jobId);
        Throwable cause = result == null ? null : result.getSerializedThrowable().orElse(null);
        if (cause == null) {
            return new FloeException("workflow '" + plan.workflow().name() + "' failed (job " + jobId + "); the cluster reports no cause");
        }
        return Results.failure(plan.workflow().name(), cause, loader);
    }

    /** The job's result ({@code /jobs/:id/execution-result}), once the cluster has it; null if it never comes. */
    private JobResult result(String jobId) throws InterruptedException {
        long until = System.currentTimeMillis() + RESULT_WAIT_MILLIS;
        while (true) {
            JsonNode answer = rest.get("/jobs/" + jobId + "/execution-result");
            if ("COMPLETED".equals(answer.path("status").path("id").asText())) {
                try {
                    return RestMapperUtils.getStrictObjectMapper().readValue(answer.toString(), JobExecutionResultResponseBody.class)
                            .getJobExecutionResult();
                } catch (IOException e) {
                    throw new FloeException(rest.address() + "/jobs/" + jobId + "/execution-result: cannot read the job's result: "
                            + e.getMessage(), e);
                }
            }
            if (System.currentTimeMillis() > until) {
                return null;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@code floe-jobs-<first 16 hex digits of SHA-256>.jar}: equal content, equal name. */
    static String nameFor(Path jar) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(jar), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            String digest = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            return base + "-" + digest.substring(0, 16) + ".jar";
        } catch (IOException e) {
            throw new floe.SpecException(jar + ": cannot read the jobs jar: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

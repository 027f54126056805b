package floe.run;

import floe.FloeException;
import floe.compile.Plan;
import floe.run.rest.FlinkRest;
import floe.run.rest.RestCallException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

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
 * Runs Floe jobs on a Flink cluster through its REST API: the jobs jar is uploaded once (a jar of
 * the same content is found again by its name, which carries its checksum), run with the job's
 * arguments ({@code /jars/:id/run}: the program runs in the JobManager and submits the job), and
 * the job is followed stage by stage until it ends.
 *
 * <pre>{@code
 * RestRunner flink = RestRunner.on(FlinkRest.connect(URI.create("http://127.0.0.1:8081"), conf, Optional.empty()));
 * RestRunner.Jar jar = flink.ensureJar(Path.of("jobs/target/floe-jobs.jar"));
 * String job = flink.runJar(jar, List.of("tree-merge", "--input", "/data/level-0", ...));
 * RunResult result = flink.follow(job, plan, TerminalProgress.onStderr(), Optional.empty());
 * }</pre>
 */
public final class RestRunner {
    private static final long POLL_MILLIS = 250;
    private static final Pattern MAIN_FAILED = Pattern.compile("The main method caused an error: (.*)");
    private static final Pattern TASK_FAILED = Pattern.compile("(?m)^(?:Caused by: )?floe\\.TaskFailedException: (.*)$");

    private final FlinkRest rest;

    private RestRunner(FlinkRest rest) {
        this.rest = rest;
    }

    public static RestRunner on(FlinkRest rest) {
        return new RestRunner(rest);
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
     * Follows job {@code jobId} until it ends, telling {@code progress} how each of {@code plan}'s
     * stages stands; cancels it past {@code deadline}. Returns the run's figures when the job
     * finished; throws the failing task's message when it failed.
     */
    public RunResult follow(String jobId, Plan plan, ProgressListener progress, Optional<Duration> deadline) {
        long start = System.nanoTime();
        long cancelAt = deadline.map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE);
        boolean follow = progress != ProgressListener.none();
        while (true) {
            JsonNode job = rest.get("/jobs/" + jobId);
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
            sleep();
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

    /** The failing task's own message when a task failed, else the job's first reported failure. */
    private FloeException failure(Plan plan, String jobId) {
        JsonNode exceptions = rest.get("/jobs/" + jobId + "/exceptions");
        List<String> traces = new java.util.ArrayList<>();
        if (exceptions.hasNonNull("root-exception")) {
            traces.add(exceptions.path("root-exception").asText());
        }
        for (JsonNode entry : exceptions.path("exceptionHistory").path("entries")) {
            traces.add(entry.path("stacktrace").asText());
            entry.path("concurrentExceptions").forEach(c -> traces.add(c.path("stacktrace").asText()));
        }
        for (String trace : traces) {
            Matcher task = TASK_FAILED.matcher(trace);
            if (task.find()) {
                return new FloeException(task.group(1).trim());
            }
        }
        String first = traces.isEmpty() ? "no failure reported" : rootCause(traces.get(0));
        return new FloeException("workflow '" + plan.workflow().name() + "' failed (job " + jobId + "): " + first);
    }

    /** A stack trace's first line, and its last {@code Caused by:} when there is one. */
    private static String rootCause(String trace) {
        String first = trace.lines().findFirst().orElse(trace);
        return trace.lines().filter(l -> l.startsWith("Caused by: ")).reduce((a, b) -> b)
                .map(l -> first + " (cause: " + l.substring("Caused by: ".length()) + ")").orElse(first);
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

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while following the job", e);
        }
    }
}

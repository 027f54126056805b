package floe.jobs.cli;

import floe.SpecException;
import floe.run.rest.FlinkRest;
import floe.run.rest.RestCallException;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code floe list|status|cancel --rest URL}: jobs of a running Flink cluster. */
final class JobCommands {
    private JobCommands() {}

    /** The cluster to ask: {@code --rest URL}, with TLS settings from the Flink configuration. */
    static final class Cluster {
        @Option(names = "--rest", paramLabel = "URL",
                description = "The cluster's REST address (default: rest.address and rest.port of FLINK_CONF_DIR's config, else 127.0.0.1:8081).")
        URI rest;

        @Mixin
        FlinkConfig flink;

        FlinkRest connect() {
            var conf = flink.load();
            URI address = rest != null ? rest : URI.create("http://" + conf.getOptional(org.apache.flink.configuration.RestOptions.ADDRESS)
                    .orElse("127.0.0.1") + ":" + conf.get(org.apache.flink.configuration.RestOptions.PORT));
            return FlinkRest.connect(address, conf, Optional.ofNullable(System.getenv(SubmitCommand.AUTHORIZATION_ENV)).filter(a -> !a.isBlank()));
        }
    }

    /** A job's REST view, or a bad-input error naming the id when the cluster does not know it. */
    static JsonNode job(FlinkRest rest, String jobId) {
        if (!jobId.matches("[0-9a-f]{32}")) {
            throw new SpecException("JOB " + jobId + ": not a Flink job id (32 hex digits; floe list shows them)");
        }
        try {
            return rest.get("/jobs/" + jobId);
        } catch (RestCallException e) {
            if (e.status() == 404) {
                throw new SpecException("JOB " + jobId + ": no such job on " + rest.address() + " (floe list shows its jobs)");
            }
            throw e;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the jobs of a running Flink cluster.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        Cluster cluster;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode jobs = cluster.connect().get("/jobs/overview").path("jobs");
            out.printf("%-32s  %-10s  %-20s  %9s  %s%n", "JOB", "STATE", "STARTED", "SECONDS", "NAME");
            for (JsonNode j : jobs) {
                out.printf("%-32s  %-10s  %-20s  %9.1f  %s%n", j.path("jid").asText(), j.path("state").asText(),
                        Instant.ofEpochMilli(j.path("start-time").asLong()).toString().replaceFirst("\\.\\d+Z$", "Z"),
                        j.path("duration").asLong() / 1000.0, j.path("name").asText());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a job's state and each stage's subtasks; exit 1 if the job failed or was cancelled.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Cluster cluster;

        @Parameters(index = "0", paramLabel = "JOB", description = "The job's id (floe list shows them).")
        String jobId;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode job = job(cluster.connect(), jobId);
            String state = job.path("state").asText();
            out.printf("job %s  %s  %s  %.1f s%n", jobId, job.path("name").asText(), state, job.path("duration").asLong() / 1000.0);
            for (JsonNode v : job.path("vertices")) {
                JsonNode t = v.path("tasks");
                out.printf("  %-40s %-10s %4d/%-4d subtasks finished, %d running%n", v.path("name").asText(), v.path("status").asText(),
                        t.path("FINISHED").asInt(), v.path("parallelism").asInt(), t.path("RUNNING").asInt());
            }
            out.flush();
            return "FAILED".equals(state) || "CANCELED".equals(state) ? FloeCli.FAILED : 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a running job and wait until it stopped.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        Cluster cluster;

        @Parameters(index = "0", paramLabel = "JOB", description = "The job's id (floe list shows them).")
        String jobId;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            FlinkRest rest = cluster.connect();
            String state = job(rest, jobId).path("state").asText();
            if (!java.util.List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                rest.patch("/jobs/" + jobId + "?mode=cancel");
                long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
                while (!"CANCELED".equals(state = job(rest, jobId).path("state").asText()) && System.nanoTime() < giveUp
                        && !"FINISHED".equals(state) && !"FAILED".equals(state)) {
                    Thread.sleep(200);
                }
            }
            spec.commandLine().getOut().println("job " + jobId + " " + state);
            return "CANCELED".equals(state) ? 0 : FloeCli.FAILED;
        }
    }
}

package floe.service;

import floe.service.testutils.ServiceProcess;
import floe.service.testutils.TestingBatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDetail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster away while the Batch service restarts: a job runs on a highly available session
 * cluster ({@code floe cluster start --ha}, real JobManager, standby, TaskManager and ZooKeeper
 * JVMs); the service dies (SIGKILL); the operator stops the JobManagers ({@code floe cluster
 * jobmanager stop}); the service starts again and, as nothing answers, waits and asks again
 * instead of taking the job as lost; the JobManager is started again ({@code floe cluster
 * jobmanager start}) and recovers the job. One Flink job in all, the Batch job SUCCEEDED, its
 * command ended once.
 *
 * <p>Needs the packaged jobs module (its CLI starts the cluster). Only in the {@code faults}
 * profile: {@code mvn -Pfaults -pl jobs,service -am verify -Dtest=ClusterAwayFaults
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
class ClusterAwayFaults {
    private static final Path FLOE_HOME = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept when the test fails: the cluster's and the service's logs say what happened. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aServiceRestartedWhileTheJobManagersAreStoppedWaitsAndTheRecoveredJobRunsOnce() throws Exception {
        Path jobsJar = FLOE_HOME.resolve("jobs/target/floe-jobs.jar");
        assertThat(jobsJar).as("the packaged jobs module (mvn -pl jobs,service -am verify)").isRegularFile();
        Path cluster = dir.resolve("cluster");
        int rest = freePort();
        int standby = freePort();
        Path volume = Files.createDirectories(dir.resolve("vol"));
        Path ran = volume.resolve("ran");
        File log = dir.resolve("service.log").toFile();
        List<String> serve = List.of("--data", dir.resolve("data").toString(), "--volume", "out=" + volume,
                "--image-dir", TestingBatch.EXAMPLES.toString(), "--flink", "http://127.0.0.1:" + rest,
                "-D", "floe.batch.flink-jars=" + FLOE_HOME.resolve("jobs/target/floe-classes.jar"));
        // With the cluster's configuration the service finds the leading JobManager through ZooKeeper.
        Map<String, String> env = Map.of("FLINK_CONF_DIR", cluster.resolve("conf").toString());

        floe("cluster", "start", "--ha", "--dir", cluster.toString(), "--taskmanagers", "1", "--slots", "2",
                "--rest-port", Integer.toString(rest), "--standby-rest-port", Integer.toString(standby));
        CompletableFuture<ServiceProcess> restarted = null;
        try {
            String id;
            try (ServiceProcess first = ServiceProcess.start(log, List.of(), env, serve);
                    BatchClient batch = TestingBatch.client(first.endpoint())) {
                batch.registerJobDefinition(b -> b.jobDefinitionName("slow").type(JobDefinitionType.CONTAINER)
                        .containerProperties(ContainerProperties.builder().image("busybox")
                                .command("sh", "-c", "echo start >> /mnt/out/ran; sleep 20; echo done >> /mnt/out/ran")
                                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
                id = batch.submitJob(b -> b.jobName("slow").jobQueue("default").jobDefinition("slow")).jobId();
                awaitLine(ran, "start", Duration.ofMinutes(3));
                first.killAlone();
            }
            floe("cluster", "jobmanager", "stop", "--dir", cluster.toString());

            restarted = CompletableFuture.supplyAsync(() -> {
                try {
                    return ServiceProcess.start(log, List.of(), env, serve);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            });
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.readString(log.toPath()).contains("cannot tell whether the cluster")) {
                assertThat(System.nanoTime()).as("the restarted service says it waits for the cluster; see " + log).isLessThan(until);
                Thread.sleep(100);
            }
            Thread.sleep(3_000);
            floe("cluster", "jobmanager", "start", "--dir", cluster.toString());

            try (ServiceProcess next = restarted.get(2, TimeUnit.MINUTES); BatchClient batch = TestingBatch.client(next.endpoint())) {
                List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofMinutes(5));
                JobDetail job = polls.get(polls.size() - 1).get(0);
                assertThat(job.statusAsString()).as(job.statusReason() + "; see " + log).isEqualTo("SUCCEEDED");
            }
            JsonNode jobs = JSON.readTree(get(URI.create("http://127.0.0.1:" + rest + "/jobs/overview"))).path("jobs");
            assertThat(jobs).as("Flink jobs on the cluster: the recovered one, none submitted again").hasSize(1);
            assertThat(jobs.get(0).path("state").asText()).isEqualTo("FINISHED");
            List<String> lines = Files.readAllLines(ran);
            System.out.printf("ClusterAwayFaults: the command's lines %s; the job recovered by JobManager %s%n", lines,
                    jobs.get(0).path("jid").asText());
            assertThat(lines).as("the command ended once, last").endsWith("done").filteredOn("done"::equals).hasSize(1);
        } finally {
            if (restarted != null) {
                // A failed check leaves no service behind.
                restarted.thenAccept(ServiceProcess::close);
            }
            floe("cluster", "stop", "--dir", cluster.toString());
        }
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(cluster.toString())))
                .as("processes of the cluster left").isEmpty();
    }

    /** {@code floe ARGS} as {@code bin/floe} runs it (without its build step); fails the test unless it exits 0. */
    private void floe(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx512m",
                "@" + FLOE_HOME.resolve("conf/flink-jvm.args"), "-Dfloe.home=" + FLOE_HOME,
                "-Dlog4j.configurationFile=" + FLOE_HOME.resolve("conf/log4j2-cli.properties"), "-Dfloe.log.dir=" + dir.resolve("cli-log"),
                "-cp", FLOE_HOME.resolve("jobs/target/floe-jobs.jar") + File.pathSeparator + FLOE_HOME.resolve("jobs/target/flink-lib/*"),
                "floe.jobs.cli.FloeCli"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("floe " + String.join(" ", args)).isTrue();
        assertThat(p.exitValue()).as("floe " + String.join(" ", args) + ":\n" + out).isZero();
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static void awaitLine(Path file, String line, Duration timeout) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!(Files.exists(file) && Files.readAllLines(file).contains(line))) {
            assertThat(System.nanoTime()).as(file + " has a line '" + line + "'").isLessThan(until);
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

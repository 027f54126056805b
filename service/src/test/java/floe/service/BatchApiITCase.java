package floe.service;

import floe.service.testutils.TestingBatch;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.CancelJobRequest;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.DescribeJobDefinitionsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobQueuesRequest;
import software.amazon.awssdk.services.batch.model.DeregisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.RetryStrategy;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.TerminateJobRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's answers through the official AWS SDK: signatures, AWS's limits, errors, cancel and terminate, failures. */
class BatchApiITCase {
    @TempDir
    static Path dir;

    private static BatchService service;
    private static BatchClient batch;
    private static Path out;

    @BeforeAll
    static void start() throws java.io.IOException {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        out = dir.resolve("out");
        java.nio.file.Files.createDirectories(out);
        service = BatchService.start(conf, Map.of("out", out.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
        batch = TestingBatch.client(service.endpoint());
        register("sleeper", List.of("sleep", "300"));
        register("exits-3", List.of("sh", "-c", "echo failing >&2; exit 3"));
        register("quick", List.of("true"));
    }

    @AfterAll
    static void stop() {
        if (batch != null) {
            batch.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private static void register(String name, List<String> command) {
        batch.registerJobDefinition(RegisterJobDefinitionRequest.builder().jobDefinitionName(name).type(JobDefinitionType.CONTAINER)
                .containerProperties(ContainerProperties.builder().image("busybox").command(command)
                        .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                        .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()).build());
    }

    private static SubmitJobRequest.Builder job(String name, String definition) {
        return SubmitJobRequest.builder().jobName(name).jobQueue("default").jobDefinition(definition);
    }

    private static JobDetail describe(String id) {
        return batch.describeJobs(b -> b.jobs(id)).jobs().get(0);
    }

    private static JobDetail await(String id, String status) throws InterruptedException {
        return TestingBatch.awaitJobs(batch, List.of(id), j -> j.statusAsString().equals(status), Duration.ofMinutes(2)).stream()
                .reduce((a, b) -> b).orElseThrow().get(0);
    }

    @Test
    void aWrongSecretIsRefusedWith403() {
        try (BatchClient wrong = TestingBatch.client(service.endpoint(), TestingBatch.ACCESS_KEY, "not-the-secret")) {
            assertThatThrownBy(() -> wrong.describeJobQueues(DescribeJobQueuesRequest.builder().build()))
                    .isInstanceOfSatisfying(BatchException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
                        assertThat(e.awsErrorDetails().errorMessage()).doesNotContain(TestingBatch.SECRET_KEY);
                    });
        }
        try (BatchClient unknown = TestingBatch.client(service.endpoint(), "AKIAUNKNOWN", TestingBatch.SECRET_KEY)) {
            assertThatThrownBy(() -> unknown.describeJobQueues(DescribeJobQueuesRequest.builder().build()))
                    .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void limitsAndBadReferencesAreClientExceptions() {
        assertClientError(job("too-small", "quick").arrayProperties(ArrayProperties.builder().size(1).build()).build(),
                "Array size must be between 2 and 10000, got 1");
        assertClientError(job("too-big", "quick").arrayProperties(ArrayProperties.builder().size(10_001).build()).build(),
                "Array size must be between 2 and 10000, got 10001");
        String upstream = batch.submitJob(job("upstream", "quick").build()).jobId();
        assertClientError(job("many-deps", "quick").dependsOn(Collections.nCopies(21, JobDependency.builder().jobId(upstream).build())).build(),
                "A job can depend on at most 20 jobs, got 21");
        assertClientError(job("retries", "quick").retryStrategy(RetryStrategy.builder().attempts(11).build()).build(),
                "Attempts must be between 1 and 10, got 11");
        assertClientError(job("no-queue", "quick").jobQueue("nope").build(), "JobQueue nope not found");
        assertClientError(job("no-def", "nope:3").build(), "Job definition nope:3 not found");
        assertClientError(job("bad-dep", "quick").dependsOn(JobDependency.builder().jobId("no-such-job").build()).build(),
                "Dependent job ID no-such-job is invalid");
        assertClientError(job("bad name!", "quick").build(), "jobName 'bad name!' is invalid");
        assertThatThrownBy(() -> batch.registerJobDefinition(RegisterJobDefinitionRequest.builder().jobDefinitionName("no-command")
                .type(JobDefinitionType.CONTAINER).containerProperties(ContainerProperties.builder().image("busybox").build()).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("containerProperties.command is required: Floe runs the command given (it has no image to take one from)"));
    }

    @Test
    void malformedRequestsAre400ClientExceptions() throws Exception {
        assertRaw("submitjob", "{\"jobName\": \"x\",", 400, "ClientException", "The request body is not valid JSON");
        assertRaw("registerjobdefinition", "{\"jobDefinitionName\": \"d\", \"type\": \"container\", \"containerProperties\":"
                + " {\"image\": \"busybox\", \"command\": [\"true\"], \"gpus\": 1}}", 400, "ClientException",
                "containerProperties.gpus: unknown field 'gpus' (known: command, environment, image, memory, mountPoints,"
                        + " readonlyRootFilesystem, resourceRequirements, secrets, ulimits, user, vcpus, volumes)");
        assertRaw("describejobs", "{}", 400, "ClientException", "jobs is required: a list of 1 to 100 job ids");
        assertRaw("nosuchoperation", "{}", 404, "ResourceNotFoundException", "Unknown operation: nosuchoperation");
    }

    /** A request the SDK would not send, signed as it would sign it. */
    private static void assertRaw(String operation, String body, int status, String type, String message) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.URI uri = service.endpoint().resolve("/v1/" + operation);
        Map<String, String> signed = SigV4.sign(new SigV4.Request("POST", uri.getPath(), "", Map.of("host",
                uri.getHost() + ":" + uri.getPort()), bytes), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY, "us-east-1",
                java.time.Instant.now());
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.forEach(request::header);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(type);
        com.fasterxml.jackson.databind.JsonNode error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        assertThat(error.get("__type").asText()).isEqualTo(type);
        assertThat(error.get("message").asText()).contains(message);
    }

    private static void assertClientError(SubmitJobRequest request, String message) {
        assertThatThrownBy(() -> batch.submitJob(request)).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
        });
    }

    @Test
    void definitionsHaveRevisionsAndCanBeDeregistered() {
        register("revised", List.of("true"));
        register("revised", List.of("false"));
        List<JobDefinition> defs = batch.describeJobDefinitions(DescribeJobDefinitionsRequest.builder().jobDefinitionName("revised").build())
                .jobDefinitions();
        assertThat(defs).extracting(JobDefinition::revision).containsExactly(1, 2);
        assertThat(defs.get(1).containerProperties().command()).containsExactly("false");
        batch.deregisterJobDefinition(DeregisterJobDefinitionRequest.builder().jobDefinition("revised:2").build());
        assertThat(batch.describeJobDefinitions(b -> b.jobDefinitions("revised:2")).jobDefinitions().get(0).status()).isEqualTo("INACTIVE");
        assertClientError(job("inactive", "revised:2").build(), "Job definition revised:2 not found (it is INACTIVE)");
        // A name alone takes the latest ACTIVE revision.
        assertThat(describe(batch.submitJob(job("latest", "revised").build()).jobId()).jobDefinition()).endsWith("job-definition/revised:1");
    }

    @Test
    void cancelStopsWaitingJobsAndTerminateStopsRunningOnes() throws Exception {
        String sleeper = batch.submitJob(job("sleeper", "sleeper").build()).jobId();
        await(sleeper, "RUNNING");
        String waiting = batch.submitJob(job("waiting", "quick").dependsOn(JobDependency.builder().jobId(sleeper).build()).build()).jobId();
        String dependent = batch.submitJob(job("dependent", "quick").dependsOn(JobDependency.builder().jobId(sleeper).build()).build()).jobId();
        assertThat(await(waiting, "PENDING").statusAsString()).isEqualTo("PENDING");

        batch.cancelJob(CancelJobRequest.builder().jobId(waiting).reason("not needed any more").build());
        JobDetail cancelled = describe(waiting);
        assertThat(cancelled.statusAsString()).isEqualTo("FAILED");
        assertThat(cancelled.statusReason()).isEqualTo("not needed any more");

        // CancelJob leaves a running job alone, as AWS does.
        batch.cancelJob(CancelJobRequest.builder().jobId(sleeper).reason("too late").build());
        assertThat(describe(sleeper).statusAsString()).isEqualTo("RUNNING");

        batch.terminateJob(TerminateJobRequest.builder().jobId(sleeper).reason("taking too long").build());
        JobDetail terminated = await(sleeper, "FAILED");
        assertThat(terminated.statusReason()).isEqualTo("taking too long");
        assertThat(terminated.stoppedAt()).isNotNull();
        JobDetail failedDependent = await(dependent, "FAILED");
        assertThat(failedDependent.statusReason()).isEqualTo("Dependent Job failed");
        assertThat(failedDependent.startedAt()).isNull();
    }

    @Test
    void sequentialChildrenRunOneAfterAnotherAndNToNWaitsForTheUpstreamChildren() throws Exception {
        register("log-child", List.of("sh", "-c", "echo start-$AWS_BATCH_JOB_ARRAY_INDEX >> /mnt/out/$LOG; sleep 0.2;"
                + " echo end-$AWS_BATCH_JOB_ARRAY_INDEX >> /mnt/out/$LOG"));
        String sequential = batch.submitJob(job("sequential", "log-child").arrayProperties(ArrayProperties.builder().size(3).build())
                .dependsOn(JobDependency.builder().type("SEQUENTIAL").build())
                .containerOverrides(o -> o.environment(env("LOG", "sequential"))).build()).jobId();
        String nToN = batch.submitJob(job("n-to-n", "log-child").arrayProperties(ArrayProperties.builder().size(3).build())
                .dependsOn(JobDependency.builder().jobId(sequential).type("N_TO_N").build())
                .containerOverrides(o -> o.environment(env("LOG", "n-to-n"))).build()).jobId();
        TestingBatch.awaitJobs(batch, List.of(sequential, nToN), TestingBatch::ended, Duration.ofMinutes(2));
        assertThat(describe(sequential).dependsOn()).extracting(JobDependency::typeAsString).containsExactly("SEQUENTIAL");
        assertThat(batch.listJobs(b -> b.jobQueue("default").filters(f -> f.name("JOB_NAME").values("n-to*"))).jobSummaryList())
                .extracting(s -> s.jobId()).containsExactly(nToN);
        assertThatThrownBy(() -> batch.listJobs(b -> b.jobQueue("default").filters(f -> f.name("BEFORE_CREATED_AT").values("1"))))
                .isInstanceOf(ClientException.class).hasMessageContaining("'BEFORE_CREATED_AT' is not supported by Floe");
        assertThat(describe(nToN).statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("sequential")))
                .containsExactly("start-0", "end-0", "start-1", "end-1", "start-2", "end-2");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("n-to-n"))).hasSize(6);
        assertThat(describe(nToN).startedAt()).isGreaterThanOrEqualTo(describe(sequential).stoppedAt());
        assertThatThrownBy(() -> batch.submitJob(job("mismatch", "log-child").arrayProperties(ArrayProperties.builder().size(4).build())
                .dependsOn(JobDependency.builder().jobId(sequential).type("N_TO_N").build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("N_TO_N needs array jobs of the same size");
    }

    @Test
    void aFailedAttemptIsRetriedUpToRetryStrategyAttempts() throws Exception {
        register("fails-once", List.of("sh", "-c", "if [ -f /mnt/out/tried ]; then echo second; else touch /mnt/out/tried; exit 1; fi"));
        String retried = batch.submitJob(job("retried", "fails-once").retryStrategy(RetryStrategy.builder().attempts(2).build()).build()).jobId();
        assertThat(await(retried, "SUCCEEDED").container().exitCode()).isZero();

        String noRetry = batch.submitJob(job("no-retry", "exits-3").retryStrategy(RetryStrategy.builder().attempts(3)
                .evaluateOnExit(e -> e.onExitCode("3").action("EXIT")).build()).build()).jobId();
        JobDetail notRetried = await(noRetry, "FAILED");
        assertThat(notRetried.statusReason()).isEqualTo("Essential container in task exited");
        assertThat(notRetried.attempts()).hasSize(1);
    }

    private static software.amazon.awssdk.services.batch.model.KeyValuePair env(String name, String value) {
        return software.amazon.awssdk.services.batch.model.KeyValuePair.builder().name(name).value(value).build();
    }

    @Test
    void aFailingCommandFailsTheJobWithItsExitCode() throws Exception {
        String id = batch.submitJob(job("exits", "exits-3").build()).jobId();
        JobDetail failed = await(id, "FAILED");
        assertThat(failed.container().exitCode()).isEqualTo(3);
        // As AWS: the container exited; what it printed stays in its log, not in the API's answers.
        assertThat(failed.statusReason()).isEqualTo("Essential container in task exited");
        assertThat(failed.container().reason()).isEqualTo("exited with code 3");
        assertThat(failed.attempts().get(0).statusReason()).isEqualTo("Essential container in task exited");
        assertThat(failed.attempts()).hasSize(1);
        assertThat(failed.attempts().get(0).container().exitCode()).isEqualTo(3);

        String array = batch.submitJob(job("array-exits", "exits-3").arrayProperties(ArrayProperties.builder().size(3).build()).build()).jobId();
        JobDetail failedArray = await(array, "FAILED");
        assertThat(failedArray.arrayProperties().statusSummary()).containsEntry("FAILED", 3);
    }
}

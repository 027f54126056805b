package floe.service;

import floe.service.testutils.ServiceProcess;
import floe.service.testutils.TestingBatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.RetryStrategy;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Batch as AWS Batch behaves, through the AWS SDK, against the service run as a process of its own
 * whose environment holds secrets: one attempt entry per attempt, array children that fail alone,
 * N_TO_N failing only the matching child, tags, the merged container, fair-share fields refused;
 * and what a command may see and do (its job's environment only, read-only volumes, ulimits, user,
 * secrets from the secrets directory).
 */
class BatchSemanticsITCase {
    /** The service's own secrets: no command may see them. */
    private static final Map<String, String> SERVICE_SECRETS = Map.of(
            "OSS_ACCESS_KEY_SECRET", "oss-secret-5b1f0c",
            "FLOE_REST_AUTHORIZATION", "Bearer rest-secret-77aa21",
            "FLOE_BATCH_DB_PASSWORD", "db-secret-0d9e44");

    @TempDir
    static Path dir;

    private static ServiceProcess service;
    private static BatchClient batch;
    private static Path out;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        out = Files.createDirectories(dir.resolve("out"));
        // World-writable: a command run as another user writes here too.
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.writeString(ro.resolve("input.txt"), "read me\n");
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("api-token"), "job-token-3c4d\n");
        data = dir.resolve("data");
        Map<String, String> env = new java.util.HashMap<>(SERVICE_SECRETS);
        // An H2 database opened with a password is created with it: give the user too.
        env.put("FLOE_BATCH_DB_USER", "floe");
        service = ServiceProcess.start(dir.resolve("service.log").toFile(), List.of("--data", data.toString(), "--volume",
                "out=" + out, "--volume", "ro=" + ro, "--secrets-dir", secrets.toString()), env);
        batch = TestingBatch.client(service.endpoint());
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
        register(name, command, c -> { });
    }

    private static void register(String name, List<String> command, Consumer<ContainerProperties.Builder> more) {
        ContainerProperties.Builder c = ContainerProperties.builder().image("busybox").command(command)
                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out"));
        more.accept(c);
        batch.registerJobDefinition(RegisterJobDefinitionRequest.builder().jobDefinitionName(name).type(JobDefinitionType.CONTAINER)
                .containerProperties(c.build()).build());
    }

    private static SubmitJobRequest.Builder job(String name, String definition) {
        return SubmitJobRequest.builder().jobName(name).jobQueue("default").jobDefinition(definition);
    }

    private static JobDetail describe(String id) {
        return batch.describeJobs(b -> b.jobs(id)).jobs().get(0);
    }

    private static List<JobDetail> awaitEnded(String... ids) throws InterruptedException {
        List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(ids), TestingBatch::ended, Duration.ofMinutes(3));
        return polls.get(polls.size() - 1);
    }

    private static KeyValuePair env(String name, String value) {
        return KeyValuePair.builder().name(name).value(value).build();
    }

    @Test
    void everyAttemptHasItsOwnEntry() throws Exception {
        register("always-3", List.of("sh", "-c", "exit 3"));
        String failing = batch.submitJob(job("three-attempts", "always-3").retryStrategy(RetryStrategy.builder().attempts(3).build())
                .build()).jobId();
        register("fails-first", List.of("sh", "-c", "if [ -f /mnt/out/tried-once ]; then exit 0; fi; touch /mnt/out/tried-once; exit 7"));
        String retried = batch.submitJob(job("second-time", "fails-first").retryStrategy(RetryStrategy.builder().attempts(2).build())
                .build()).jobId();
        awaitEnded(failing, retried);

        JobDetail failed = describe(failing);
        assertThat(failed.statusAsString()).isEqualTo("FAILED");
        assertThat(failed.statusReason()).isEqualTo("Essential container in task exited");
        assertThat(failed.attempts()).hasSize(3);
        for (AttemptDetail a : failed.attempts()) {
            assertThat(a.container().exitCode()).isEqualTo(3);
            assertThat(a.container().reason()).isEqualTo("exited with code 3");
            assertThat(a.container().logStreamName()).isNotEmpty();
            assertThat(a.statusReason()).isEqualTo("Essential container in task exited");
            assertThat(a.stoppedAt()).isGreaterThanOrEqualTo(a.startedAt());
        }
        assertThat(failed.attempts().get(1).startedAt()).isGreaterThanOrEqualTo(failed.attempts().get(0).stoppedAt());
        assertThat(failed.container().exitCode()).isEqualTo(3);

        JobDetail succeeded = describe(retried);
        assertThat(succeeded.statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(succeeded.attempts()).extracting(a -> a.container().exitCode()).containsExactly(7, 0);
        assertThat(succeeded.container().exitCode()).isZero();
    }

    @Test
    void aFailingChildFailsAloneAndNToNFailsOnlyItsMatch() throws Exception {
        // Child 1 fails at once; its siblings are still running then, and run to their end.
        register("child-1-fails", List.of("sh", "-c", "if [ $AWS_BATCH_JOB_ARRAY_INDEX = 1 ]; then exit 4; fi; sleep 1;"
                + " echo $AWS_BATCH_JOB_ARRAY_INDEX >> /mnt/out/array-ran"));
        register("log-index", List.of("sh", "-c", "echo $AWS_BATCH_JOB_ARRAY_INDEX >> /mnt/out/$LOG"));
        String array = batch.submitJob(job("mixed", "child-1-fails").arrayProperties(ArrayProperties.builder().size(3).build()).build())
                .jobId();
        String nToN = batch.submitJob(job("matching", "log-index").arrayProperties(ArrayProperties.builder().size(3).build())
                .dependsOn(JobDependency.builder().jobId(array).type("N_TO_N").build())
                .containerOverrides(o -> o.environment(env("LOG", "n-to-n-ran"))).build()).jobId();
        String whole = batch.submitJob(job("whole", "log-index").dependsOn(JobDependency.builder().jobId(array).build())
                .containerOverrides(o -> o.environment(env("LOG", "whole-ran"))).build()).jobId();
        awaitEnded(array, nToN, whole);

        JobDetail parent = describe(array);
        assertThat(parent.statusAsString()).isEqualTo("FAILED");
        assertThat(parent.arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 2).containsEntry("FAILED", 1);
        assertThat(Files.readAllLines(out.resolve("array-ran"))).containsExactlyInAnyOrder("0", "2");
        List<JobDetail> children = batch.describeJobs(b -> b.jobs(array + ":0", array + ":1", array + ":2")).jobs();
        assertThat(children).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED", "FAILED", "SUCCEEDED");
        assertThat(children.get(1).container().exitCode()).isEqualTo(4);
        assertThat(children.get(1).attempts()).hasSize(1);
        assertThat(children.get(0).container().exitCode()).isZero();

        JobDetail matching = describe(nToN);
        assertThat(matching.arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 2).containsEntry("FAILED", 1);
        JobDetail skipped = describe(nToN + ":1");
        assertThat(skipped.statusAsString()).isEqualTo("FAILED");
        assertThat(skipped.statusReason()).isEqualTo("Dependent Job failed");
        assertThat(skipped.attempts()).isEmpty();
        assertThat(Files.readAllLines(out.resolve("n-to-n-ran"))).containsExactlyInAnyOrder("0", "2");

        JobDetail dependent = describe(whole);
        assertThat(dependent.statusAsString()).isEqualTo("FAILED");
        assertThat(dependent.statusReason()).isEqualTo("Dependent Job failed");
        assertThat(out.resolve("whole-ran")).doesNotExist();
    }

    @Test
    void describeJobsShowsTagsAndTheContainerMergedWithItsOverrides() throws Exception {
        register("described", List.of("sh", "-c", "echo $A $B $C"), c -> c
                .environment(env("A", "1"), env("B", "2"))
                .resourceRequirements(ResourceRequirement.builder().type(ResourceType.VCPU).value("1").build(),
                        ResourceRequirement.builder().type(ResourceType.MEMORY).value("256").build()));
        String id = batch.submitJob(job("tagged", "described").tags(Map.of("team", "ml", "cost-center", "42")).propagateTags(true)
                .containerOverrides(o -> o.environment(env("B", "3"), env("C", "4"))
                        .resourceRequirements(ResourceRequirement.builder().type(ResourceType.MEMORY).value("512").build()))
                .build()).jobId();
        String plain = batch.submitJob(job("plain", "described").build()).jobId();
        awaitEnded(id, plain);

        JobDetail tagged = describe(id);
        assertThat(tagged.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "ml", "cost-center", "42"));
        assertThat(tagged.propagateTags()).isTrue();
        assertThat(tagged.container().image()).isEqualTo("busybox");
        assertThat(tagged.container().command()).containsExactly("sh", "-c", "echo $A $B $C");
        assertThat(tagged.container().environment()).extracting(KeyValuePair::name, KeyValuePair::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "1"), org.assertj.core.groups.Tuple.tuple("B", "3"),
                        org.assertj.core.groups.Tuple.tuple("C", "4"));
        assertThat(tagged.container().resourceRequirements()).extracting(ResourceRequirement::typeAsString, ResourceRequirement::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("VCPU", "1"), org.assertj.core.groups.Tuple.tuple("MEMORY", "512"));

        JobDetail untouched = describe(plain);
        assertThat(untouched.tags()).isEmpty();
        assertThat(untouched.container().image()).isEqualTo("busybox");
        assertThat(untouched.container().command()).containsExactly("sh", "-c", "echo $A $B $C");
        assertThat(untouched.container().environment()).extracting(KeyValuePair::value).containsExactly("1", "2");
    }

    @Test
    void fairShareFieldsAreRefusedAsOnAQueueWithoutASchedulingPolicy() {
        register("fair", List.of("true"));
        assertThatThrownBy(() -> batch.submitJob(job("shared", "fair").shareIdentifier("team-a").build()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .startsWith("Share identifier team-a is not valid for a job queue without a scheduling policy"));
        assertThatThrownBy(() -> batch.submitJob(job("prioritised", "fair").schedulingPriorityOverride(5).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .startsWith("schedulingPriorityOverride is not valid for a job queue without a scheduling policy"));
        assertThatThrownBy(() -> batch.createJobQueue(b -> b.jobQueueName("fair-share").priority(1)
                .schedulingPolicyArn("arn:aws:batch:us-east-1:000000000000:scheduling-policy/p")))
                .isInstanceOf(ClientException.class).hasMessageContaining("schedulingPolicyArn: fair-share scheduling policies are not supported");
        assertThatThrownBy(() -> batch.createSchedulingPolicy(b -> b.name("p")))
                .isInstanceOf(ClientException.class).hasMessageContaining("Fair-share scheduling policies are not supported by Floe");
        assertThat(batch.describeSchedulingPolicies(b -> b.arns("arn:aws:batch:us-east-1:000000000000:scheduling-policy/p"))
                .schedulingPolicies()).isEmpty();
    }

    @Test
    void aCommandSeesItsJobsEnvironmentAndSecretsButNeverTheServices() throws Exception {
        register("print-env", List.of("sh", "-c", "env > /mnt/out/env-of-job"), c -> c
                .environment(env("FROM_DEFINITION", "d"))
                .secrets(s -> s.name("API_TOKEN").valueFrom("arn:aws:secretsmanager:us-east-1:000000000000:secret:api-token")));
        String id = batch.submitJob(job("env", "print-env").containerOverrides(o -> o.environment(env("FROM_OVERRIDE", "o"))).build())
                .jobId();
        assertThat(awaitEnded(id).get(0).statusAsString()).isEqualTo("SUCCEEDED");
        String printed = Files.readString(out.resolve("env-of-job"));
        for (String secret : SERVICE_SECRETS.values()) {
            assertThat(printed).doesNotContain(secret);
        }
        assertThat(printed).doesNotContain(TestingBatch.SECRET_KEY).doesNotContain("FLOE_BATCH_").doesNotContain("OSS_");
        assertThat(printed.lines().toList()).contains("FROM_DEFINITION=d", "FROM_OVERRIDE=o", "API_TOKEN=job-token-3c4d",
                "AWS_BATCH_JOB_ID=" + id, "AWS_BATCH_JOB_ATTEMPT=1", "AWS_BATCH_JQ_NAME=default", "AWS_BATCH_CE_NAME=floe");
        assertThat(printed).contains("PATH=");
        // The secret's value is the job's to see, not DescribeJobs' or the definition's.
        assertThat(describe(id).toString()).doesNotContain("job-token-3c4d");
        assertThat(Files.readString(dir.resolve("service.log"))).doesNotContain("job-token-3c4d");
    }

    @Test
    void aReadOnlyVolumeCannotBeWritten() throws Exception {
        register("write-ro", List.of("sh", "-c", "cat /mnt/ro/input.txt > /mnt/out/ro-read; echo changed > /mnt/ro/input.txt"), c -> c
                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")), v -> v.name("ro").host(h -> h.sourcePath("/mnt/ro")))
                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out"),
                        m -> m.sourceVolume("ro").containerPath("/mnt/ro").readOnly(true)));
        String id = batch.submitJob(job("read-only", "write-ro").build()).jobId();
        JobDetail failed = awaitEnded(id).get(0);
        assertThat(failed.statusAsString()).isEqualTo("FAILED");
        assertThat(failed.container().exitCode()).isEqualTo(2);
        assertThat(Files.readString(out.resolve("ro-read"))).isEqualTo("read me\n");
        assertThat(Files.readString(dir.resolve("ro/input.txt"))).isEqualTo("read me\n");
        String err = Files.readString(data.resolve("task-logs").resolve(failed.container().logStreamName() + ".err"));
        assertThat(err).contains("Read-only file system");
    }

    @Test
    void ulimitsAndUserAreHonouredOrRefusedAtRegistration() throws Exception {
        register("limited", List.of("sh", "-c", "echo $(ulimit -n) $(ulimit -Hn) > /mnt/out/limits"),
                c -> c.ulimits(u -> u.name("nofile").softLimit(100).hardLimit(200)));
        String limited = batch.submitJob(job("limited", "limited").build()).jobId();
        assertThat(awaitEnded(limited).get(0).statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(Files.readString(out.resolve("limits"))).isEqualTo("100 200\n");

        assertRefused(c -> c.ulimits(u -> u.name("files").softLimit(1).hardLimit(2)), "containerProperties.ulimits[0].name: 'files' is not a ulimit");
        assertRefused(c -> c.readonlyRootFilesystem(true), "containerProperties.readonlyRootFilesystem: true is not supported by Floe");
        assertRefused(c -> c.user("no-such-user-here"), "containerProperties.user: no user 'no-such-user-here' on this machine");
        assertRefused(c -> c.secrets(s -> s.name("X").valueFrom("missing")),
                "containerProperties.secrets[0].valueFrom: no secret 'missing' in the service's secrets directory");

        assumeThat(System.getProperty("user.name")).as("commands run as another user only when the service runs as root").isEqualTo("root");
        register("as-nobody", List.of("sh", "-c", "id -u > /mnt/out/uid"), c -> c.user("nobody"));
        String asNobody = batch.submitJob(job("as-nobody", "as-nobody").build()).jobId();
        assertThat(awaitEnded(asNobody).get(0).statusAsString()).isEqualTo("SUCCEEDED");
        assertThat(Files.readString(out.resolve("uid")).strip()).isEqualTo("65534");
    }

    private static void assertRefused(Consumer<ContainerProperties.Builder> more, String message) {
        assertThatThrownBy(() -> register("refused", List.of("true"), more)).isInstanceOfSatisfying(ClientException.class,
                e -> assertThat(e.awsErrorDetails().errorMessage()).contains(message));
    }
}

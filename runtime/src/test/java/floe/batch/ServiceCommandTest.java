package floe.batch;

import floe.SpecException;
import floe.exec.TaskExecutor;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.Workflow;
import floe.spec.LocalImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Batch job as the service runs it, with real processes: the command's environment is its job's,
 * the allow-list's and its secrets', never the rest of the TaskManager's; every attempt's outcome is
 * written for the service; a failing child fails alone; a child whose N_TO_N match failed never runs;
 * what cannot be honoured is refused naming the field.
 */
class ServiceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static BatchSpec.JobDefinition definition(String json) throws Exception {
        return JSON.readValue(json, BatchSpec.JobDefinition.class);
    }

    private static BatchSpec.Job job(int attempts) {
        return new BatchSpec.Job("j", "d", null, null, new BatchSpec.RetryStrategy(attempts, null), null, null, null);
    }

    private Workflow workflow(BatchSpec.JobDefinition definition, BatchSpec.Job job, BatchJobs.Service service) {
        return BatchJobs.job("job-1", "d:1", definition, job, Map.of(), LocalImages.anyIn(dir.toString()), service);
    }

    private TaskCompletion run(Workflow wf) throws Exception {
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stages().get(0), dir.resolve("logs"))) {
            return executor.run(0, List.of());
        }
    }

    @Test
    void theCommandSeesItsJobsEnvironmentOnlyAndEveryAttemptIsRecorded() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("token"), "s3cr3t\n");
        Path out = dir.resolve("env.txt");
        String hidden = System.getenv().keySet().stream().filter(k -> !k.equals("PATH") && k.matches("[A-Z_]+")).findFirst().orElseThrow();
        BatchSpec.JobDefinition def = definition("""
                {"jobDefinitionName": "d", "type": "container", "containerProperties": {"image": "busybox",
                 "command": ["sh", "-c", "env > %s; exit 3"], "environment": [{"name": "MINE", "value": "yes"}],
                 "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:token:json-key::"}]}}
                """.formatted(out));
        Path outcomes = dir.resolve("outcomes");
        BatchJobs.Service service = new BatchJobs.Service("q", Set.of("PATH"), secrets.toString(), Set.of(), outcomes.toString());

        TaskCompletion completion = run(workflow(def, job(2), service));

        // The child failed alone: its failure is its outcome, not an exception stopping the others.
        assertThat(completion.outcome().phase()).isEqualTo(Phase.FAILED);
        List<String> env = Files.readAllLines(out);
        assertThat(env).contains("MINE=yes", "TOKEN=s3cr3t", "AWS_BATCH_JOB_ID=job-1", "AWS_BATCH_JOB_ATTEMPT=2",
                "AWS_BATCH_JQ_NAME=q", "AWS_BATCH_CE_NAME=floe");
        assertThat(env).anyMatch(l -> l.startsWith("PATH="));
        assertThat(env).noneMatch(l -> l.startsWith(hidden + "="));
        List<String> lines = Files.readAllLines(outcomes.resolve("child-0.jsonl"));
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode attempt = JSON.readTree(lines.get(i));
            assertThat(attempt.get("attempt").asInt()).isEqualTo(i + 1);
            assertThat(attempt.get("status").asText()).isEqualTo("FAILED");
            assertThat(attempt.get("exitCode").asInt()).isEqualTo(3);
            assertThat(attempt.get("statusReason").asText()).isEqualTo("Essential container in task exited");
            assertThat(attempt.get("stoppedAt").asLong()).isGreaterThanOrEqualTo(attempt.get("startedAt").asLong());
        }
        assertThat(String.join("\n", lines)).doesNotContain("s3cr3t");
        // The job graph carries where the secret is, never its value.
        assertThat(new String(org.apache.flink.util.InstantiationUtil.serializeObject(workflow(def, job(2), service))))
                .doesNotContain("s3cr3t");
    }

    @Test
    void aChildWhoseNToNMatchFailedNeverRuns() throws Exception {
        Path ran = dir.resolve("ran");
        BatchSpec.JobDefinition def = definition("""
                {"jobDefinitionName": "d", "type": "container", "containerProperties": {"image": "busybox",
                 "command": ["touch", "%s"]}}
                """.formatted(ran));
        Path outcomes = dir.resolve("outcomes");
        TaskCompletion completion = run(workflow(def, job(3), new BatchJobs.Service("q", Set.of("PATH"), null, Set.of(0),
                outcomes.toString())));
        assertThat(completion.outcome().phase()).isEqualTo(Phase.FAILED);
        assertThat(ran).doesNotExist();
        assertThat(outcomes.resolve("child-0.jsonl")).doesNotExist();
    }

    @Test
    void commandsRunAsTheRunAsUserUnlessTheirDefinitionNamesOne() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(System.getProperty("user.name")).isEqualTo("root");
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        BatchJobs.Service service = new BatchJobs.Service("q", Set.of("PATH"), null, Set.of(), null, "nobody");
        run(workflow(definition("""
                {"jobDefinitionName": "d", "type": "container", "containerProperties": {"image": "busybox",
                 "command": ["sh", "-c", "id -u > %s/uid"]}}
                """.formatted(shared)), job(1), service));
        assertThat(Files.readString(shared.resolve("uid")).strip()).isEqualTo("65534");
        run(workflow(definition("""
                {"jobDefinitionName": "d", "type": "container", "containerProperties": {"image": "busybox",
                 "command": ["sh", "-c", "id -u > %s/uid"], "user": "0"}}
                """.formatted(shared)), job(1), service));
        assertThat(Files.readString(shared.resolve("uid")).strip()).isEqualTo("0");
    }

    @Test
    void whatCannotBeHonouredIsRefusedNamingTheField() throws Exception {
        BatchJobs.Service noSecrets = new BatchJobs.Service(null, Set.of("PATH"), null, Set.of(), null);
        assertThatThrownBy(() -> BatchJobs.check(definition("""
                {"jobDefinitionName": "d", "containerProperties": {"command": ["true"], "readonlyRootFilesystem": true}}"""), noSecrets))
                .isInstanceOf(SpecException.class).hasMessageStartingWith("containerProperties.readonlyRootFilesystem: true is not supported");
        assertThatThrownBy(() -> BatchJobs.check(definition("""
                {"jobDefinitionName": "d", "containerProperties": {"command": ["true"],
                 "ulimits": [{"name": "nofile", "softLimit": 10, "hardLimit": 5}]}}"""), noSecrets))
                .isInstanceOf(SpecException.class).hasMessage("containerProperties.ulimits[0]: softLimit 10 must be between 0 and hardLimit 5");
        assertThatThrownBy(() -> BatchJobs.check(definition("""
                {"jobDefinitionName": "d", "containerProperties": {"command": ["true"],
                 "secrets": [{"name": "X", "valueFrom": "x"}]}}"""), noSecrets))
                .isInstanceOf(SpecException.class).hasMessageStartingWith("containerProperties.secrets: no secrets directory here");
        BatchJobs.check(definition("""
                {"jobDefinitionName": "d", "containerProperties": {"command": ["true"], "readonlyRootFilesystem": false,
                 "ulimits": [{"name": "nofile", "softLimit": 5, "hardLimit": 10}]}}"""), noSecrets);
    }
}

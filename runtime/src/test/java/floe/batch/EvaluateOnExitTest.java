package floe.batch;

import floe.TaskFailedException;
import floe.exec.TaskExecutor;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** retryStrategy.evaluateOnExit decides, by exit code, whether a failed child is tried again. */
class EvaluateOnExitTest {
    @TempDir
    Path dir;

    private Workflow jobs(int exitCode) throws Exception {
        Files.writeString(dir.resolve("job-definition-flaky.json"), """
                {"jobDefinitionName": "flaky", "type": "container",
                 "containerProperties": {"image": "busybox", "command": ["sh", "-c", "exit %d"]},
                 "retryStrategy": {"attempts": 3, "evaluateOnExit": [
                    {"onExitCode": "2*", "action": "EXIT"},
                    {"onExitCode": "*", "action": "RETRY"}]}}
                """.formatted(exitCode));
        Files.writeString(dir.resolve("job-flaky.json"), "{\"jobName\": \"flaky\", \"jobDefinition\": \"flaky\"}");
        return BatchJobs.fromDirectory(dir, Map.of(), dir.toString());
    }

    private void run(Workflow wf) throws Exception {
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage("flaky"), dir.resolve("logs"))) {
            executor.run(0, List.of());
        }
    }

    @Test
    void anExitCodeRuledExitEndsTheJobAtOnce() throws Exception {
        Workflow wf = jobs(23);
        assertThatThrownBy(() -> run(wf)).isInstanceOf(TaskFailedException.class).hasMessageContaining("failed after 1 attempt:");
    }

    @Test
    void anExitCodeRuledRetryIsTriedAgain() throws Exception {
        Workflow wf = jobs(1);
        assertThatThrownBy(() -> run(wf)).isInstanceOf(TaskFailedException.class).hasMessageContaining("failed after 3 attempts:");
    }
}

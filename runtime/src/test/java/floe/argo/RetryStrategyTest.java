package floe.argo;

import floe.SpecException;
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

/** retryStrategy: limit, retryPolicy and expression decide how often a failing step runs. */
class RetryStrategyTest {
    @TempDir
    Path dir;

    private Workflow workflow(int exitCode, String strategy) throws Exception {
        Path spec = dir.resolve("retry.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: retry
                spec:
                  entrypoint: flaky
                  templates:
                    - name: flaky
                      retryStrategy:
                %s
                      container:
                        image: busybox
                        command: [sh, -c, "exit %d"]
                """.formatted(strategy.indent(8).stripTrailing(), exitCode));
        return ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString()));
    }

    private void run(Workflow wf) throws Exception {
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage("flaky"), dir.resolve("logs"))) {
            executor.run(0, List.of());
        }
    }

    @Test
    void expressionStopsRetriesForTheExitCodesItRulesOut() throws Exception {
        String strategy = "limit: \"3\"\nexpression: \"asInt(lastRetry.exitCode) != 2\"";
        assertThatThrownBy(() -> run(workflow(2, strategy))).isInstanceOf(TaskFailedException.class).hasMessageContaining("after 1 attempt:");
        assertThatThrownBy(() -> run(workflow(1, strategy))).isInstanceOf(TaskFailedException.class).hasMessageContaining("after 4 attempts:");
    }

    @Test
    void onErrorDoesNotRetryACommandThatExitedNonZero() throws Exception {
        assertThatThrownBy(() -> run(workflow(1, "limit: \"3\"\nretryPolicy: OnError")))
                .hasMessageContaining("after 1 attempt:");
    }

    @Test
    void anExpressionThatIsNotAConditionIsRefusedAtLint() {
        assertThatThrownBy(() -> workflow(1, "limit: \"3\"\nexpression: \"lastRetry.exitCode + 1\""))
                .isInstanceOf(SpecException.class)
                .hasMessage("retry.yaml:11:9: spec.templates[0].retryStrategy.expression: 'lastRetry.exitCode + 1' is 11, not true or false");
    }

    @Test
    void anEmptyRetryStrategyRetriesUntilSuccessAsArgoDoes() throws Exception {
        Workflow wf = workflow(1, "{}");

        org.assertj.core.api.Assertions.assertThat(wf.stage("flaky").retry().attempts()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void lastRetryDurationIsHowLongTheFailedAttemptRanInSeconds() throws Exception {
        assertThatThrownBy(() -> run(workflow(1, "limit: \"3\"\nexpression: \"asInt(lastRetry.duration) >= 5\"")))
                .hasMessageContaining("after 1 attempt:");
        assertThatThrownBy(() -> run(workflow(1, "limit: \"3\"\nexpression: \"asInt(lastRetry.duration) < 5\"")))
                .hasMessageContaining("after 4 attempts:");
    }

    @Test
    void backoffCapBoundsEachWaitAndMaxDurationTheTimeRetriesMayStartIn() throws Exception {
        Workflow wf = workflow(1, "limit: \"10\"\nbackoff: {duration: \"1\", factor: \"2\", cap: \"5\", maxDuration: \"1m\"}");
        floe.model.RetryPolicy retry = wf.stage("flaky").retry();

        org.assertj.core.api.Assertions.assertThat(retry.delayBefore(2)).isEqualTo(java.time.Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThat(retry.delayBefore(4)).isEqualTo(java.time.Duration.ofSeconds(4));
        org.assertj.core.api.Assertions.assertThat(retry.delayBefore(8)).isEqualTo(java.time.Duration.ofSeconds(5));
        org.assertj.core.api.Assertions.assertThat(retry.within()).isEqualTo(java.time.Duration.ofMinutes(1));
    }

    @Test
    void noRetryStartsPastMaxDuration() throws Exception {
        // Each wait is 1 s; within 1.5 s of the first attempt only the first retry may start.
        assertThatThrownBy(() -> run(workflow(1, "limit: \"5\"\nbackoff: {duration: \"1\", maxDuration: \"1500ms\"}")))
                .hasMessageContaining("after 2 attempts:");
    }
}

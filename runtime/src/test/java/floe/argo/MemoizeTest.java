package floe.argo;

import floe.SpecException;
import floe.TaskFailedException;
import floe.exec.TaskExecutor;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argo's memoize on a leaf template: a succeeded task's outputs kept under its key, reused while young enough. */
class MemoizeTest {
    @TempDir
    Path dir;

    private Workflow workflow(String key, String maxAge, String script) throws Exception {
        Path spec = dir.resolve("memo.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: memo}
                spec:
                  entrypoint: count
                  arguments:
                    parameters: [{name: who, value: world}]
                  templates:
                  - name: count
                    inputs: {parameters: [{name: who, value: "{{workflow.parameters.who}}"}]}
                    memoize:
                      key: "%s"
                      maxAge: "%s"
                      cache: {configMap: {name: counts}}
                    container:
                      image: busybox
                      command: [sh, -c, '%s']
                    outputs:
                      parameters:
                      - name: greeting
                        valueFrom: {path: /tmp/greeting}
                """.formatted(key, maxAge, script));
        return ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString())
                .withMemoizeDir(dir.resolve("memo").toString()));
    }

    private TaskCompletion run(Workflow wf) throws Exception {
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage("count"), dir.resolve("logs"))) {
            return executor.run(0, List.of());
        }
    }

    private String counting() {
        return "echo run >> " + dir.resolve("runs") + "; echo hello {{inputs.parameters.who}} > /tmp/greeting";
    }

    @Test
    void aSecondRunWithTheSameKeyTakesTheKeptOutputsAndDoesNotRun() throws Exception {
        Workflow wf = workflow("greet-{{inputs.parameters.who}}", "1h", counting());

        assertThat(run(wf).outcome().parameter("greeting")).hasValue("hello world");
        TaskCompletion second = run(wf);

        assertThat(second.outcome().parameter("greeting")).hasValue("hello world");
        assertThat(second.outcome().phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("runs"))).hasSize(1);
        assertThat(Files.readString(dir.resolve("memo/counts/greet-world")))
                .contains("\"nodeID\":\"memo-count-0\"", "{\"name\":\"greeting\",\"value\":\"hello world\"}");
    }

    @Test
    void anEntryOlderThanMaxAgeIsNotUsed() throws Exception {
        Workflow wf = workflow("greet", "0s", counting());
        run(wf);
        Thread.sleep(20);
        run(wf);

        assertThat(Files.readAllLines(dir.resolve("runs"))).hasSize(2);
    }

    @Test
    void aFailedTaskKeepsNothing() throws Exception {
        Workflow wf = workflow("greet", "1h", "exit 3");

        assertThatThrownBy(() -> run(wf)).isInstanceOf(TaskFailedException.class);
        assertThat(dir.resolve("memo/counts/greet")).doesNotExist();
    }

    @Test
    void aKeyAConfigMapCannotHoldIsRefusedAtLint() {
        assertThatThrownBy(() -> workflow("greet {{inputs.parameters.who}}", "1h", counting()))
                .isInstanceOf(SpecException.class)
                .hasMessage("memo.yaml:12:7: spec.templates[0].memoize.key: 'greet world' is not a valid cache key (letters, digits,"
                        + " '-', '_' and '.', as a ConfigMap's keys)");
    }
}

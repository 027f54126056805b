package floe.argo;

import floe.exec.TaskExecutor;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskOutcome;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An argument naming an output that a skipped step never wrote: the input's own default applies, as in Argo. */
class SkippedOutputsTest {
    @TempDir
    Path dir;

    private TaskCompletion consume(String inputDefault) throws Exception {
        Path spec = dir.resolve("skipped.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: skipped}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - {name: producer, template: produce, when: "false"}
                      - name: consumer
                        template: consume
                        depends: producer.Succeeded || producer.Skipped
                        arguments: {parameters: [{name: in, value: "{{tasks.producer.outputs.parameters.msg}}"}]}
                  - name: produce
                    outputs: {parameters: [{name: msg, valueFrom: {path: /tmp/out.txt}}]}
                    container: {image: busybox, command: [sh, -c, 'echo real > /tmp/out.txt']}
                  - name: consume
                    inputs: {parameters: [{name: in%s}]}
                    container: {image: busybox, command: [echo, "got [{{inputs.parameters.in}}]"]}
                """.formatted(inputDefault));
        Workflow wf = ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString()));
        TaskCompletion skipped = new TaskCompletion("producer", 0, 1, 0, 0, Map.of(TaskOutcome.PHASE, Phase.SKIPPED.argoName()), List.of());
        try (TaskExecutor executor = new TaskExecutor(wf.name(), wf.parameters(), wf.stage("consumer"), dir.resolve("logs"))) {
            return executor.run(0, List.of(skipped));
        }
    }

    @Test
    void theInputsDefaultAppliesWhenTheArgumentNamesASkippedStepsOutput() throws Exception {
        assertThat(consume(", default: fallback").outcome().result()).hasValue("got [fallback]");
    }

    @Test
    void withoutADefaultTheInputHasNoValueAndTheTaskFailsSayingSo() {
        assertThatThrownBy(() -> consume("")).hasMessageContaining("input parameter 'in' of template 'consume' has no value");
    }
}

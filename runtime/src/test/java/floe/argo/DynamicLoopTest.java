package floe.argo;

import floe.model.Phase;
import floe.model.Stage;
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

/** Loops sized by an earlier step's output: a withParam inside a nested template sees its inputs; a withSequence as Argo sizes it. */
class DynamicLoopTest {
    @TempDir
    Path dir;

    @Test
    void aWithParamInsideANestedTemplateIsSizedWithItsInputs() throws Exception {
        Path spec = dir.resolve("inner-loop.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: inner-loop
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: inner
                        template: inner
                        arguments:
                          parameters:
                          - name: skip
                            value: "2"
                  - name: inner
                    inputs:
                      parameters:
                      - name: skip
                    steps:
                    - - name: gen
                        template: print
                    - - name: each
                        template: print
                        withParam: "{{=asInt(inputs.parameters.skip) > 1 ? steps.gen.outputs.result : '[]'}}"
                  - name: print
                    container:
                      image: busybox
                      command: [echo, '[1, 2, 3]']
                """);
        Workflow wf = ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString()));
        Stage each = wf.stage("inner.each");

        TaskCompletion gen = new TaskCompletion("inner.gen", 0, 1, 0, 0, Map.of(TaskOutcome.RESULT, "[1, 2, 3]", TaskOutcome.PHASE, Phase.SUCCEEDED.argoName()), List.of());
        assertThat(each.isDynamic()).isTrue();
        assertThat(each.dynamicTasks().count(List.of(gen))).isEqualTo(3);
    }

    @Test
    void aWithSequenceSizedByAnEarlierStepsResultRunsThatManyTasksWithTheirItems() throws Exception {
        Path spec = dir.resolve("sequence.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: sequence}
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - {name: count, template: print}
                    - - name: part
                        template: echo
                        arguments: {parameters: [{name: n, value: "{{item}}"}]}
                        withSequence: {start: "1", end: "{{steps.count.outputs.result}}", format: "part-%02d"}
                  - name: print
                    container: {image: busybox, command: [echo, "3"]}
                  - name: echo
                    inputs: {parameters: [{name: n}]}
                    container: {image: busybox, command: [echo, "{{inputs.parameters.n}}"]}
                """);
        Workflow wf = ArgoWorkflows.fromYaml(spec, new ArgoOptions(Map.of(), Map.of(), dir.toString()));
        Stage part = wf.stage("part");
        TaskCompletion count = new TaskCompletion("count", 0, 1, 0, 0, Map.of(TaskOutcome.RESULT, "3", TaskOutcome.PHASE, Phase.SUCCEEDED.argoName()), List.of());

        assertThat(part.isDynamic()).isTrue();
        assertThat(part.dependencies()).extracting(d -> d.upstream()).containsExactly("count");
        assertThat(part.dynamicTasks().count(List.of(count))).isEqualTo(3);
        try (floe.exec.TaskExecutor executor = new floe.exec.TaskExecutor(wf.name(), wf.parameters(), part, dir.resolve("logs"))) {
            assertThat(executor.run(2, 3, List.of(count)).outcome().result()).hasValue("part-03");
        }
    }
}

package floe.argo;

import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A loop sized by an earlier step's output, inside a nested template, sees that template's inputs. */
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

        TaskCompletion gen = new TaskCompletion("inner.gen", 0, 1, 0, 0, Map.of("result", "[1, 2, 3]", "phase", "Succeeded"), List.of());
        assertThat(each.isDynamic()).isTrue();
        assertThat(each.dynamicTasks().count(List.of(gen))).isEqualTo(3);
    }
}

package floe.argo;

import floe.SpecException;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateRefTest {
    private static final Path EXAMPLE = Path.of("../conf/examples/templates/say-hello.yaml");
    private static final Path LIBRARY = Path.of("../conf/examples/templates/lib/greetings.yaml");

    @TempDir
    Path dir;

    @Test
    void stepsRunTemplatesOfTheWorkflowTemplatesGiven() {
        Workflow wf = ArgoWorkflows.fromYaml(EXAMPLE, List.of(LIBRARY), new ArgoOptions(Map.of(), Map.of(), "/tmp"));

        assertThat(wf.stage("greet").tasks()).isEqualTo(3);
    }

    @Test
    void anErrorInsideAReferencedTemplateNamesItsOwnFileAndLine() throws Exception {
        Path broken = dir.resolve("greetings.yaml");
        Files.writeString(broken, Files.readString(LIBRARY).replace("{{inputs.parameters.who}}", "{{inputs.parameters.whom}}"));

        assertThatThrownBy(() -> ArgoWorkflows.fromYaml(EXAMPLE, List.of(broken), new ArgoOptions(Map.of(), Map.of(), "/tmp")))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("greetings.yaml:16:25: spec.templates[0].container.command[1]: {{inputs.parameters.whom}} is not defined here");
    }

    @Test
    void onlyWorkflowTemplatesGoAfterTheWorkflow() {
        assertThatThrownBy(() -> ArgoWorkflows.fromYaml(EXAMPLE, List.of(EXAMPLE), new ArgoOptions(Map.of(), Map.of(), "/tmp")))
                .hasMessage("say-hello.yaml:4:1: kind: 'Workflow' given after the workflow: only WorkflowTemplates and ClusterWorkflowTemplates go there");
    }
}

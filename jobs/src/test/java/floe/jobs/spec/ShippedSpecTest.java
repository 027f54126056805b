package floe.jobs.spec;

import floe.SpecException;
import floe.compile.WorkflowCompiler;
import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A workflow file shipped as one program argument reads back as the same workflow. */
class ShippedSpecTest {
    static final Path EXAMPLES = Path.of("../conf/examples");
    static final WorkflowCompiler COMPILER = WorkflowCompiler.withMaxParallelism(128);

    @TempDir
    Path tmp;

    @Test
    void theReferenceArgoWorkflowTravelsWhole() {
        Path file = EXAMPLES.resolve("process-data/process-data.yaml");
        ShippedSpec spec = ShippedSpec.of(file, List.of(), new SpecOptions(Map.of("workdir", "/mnt/vol"), Map.of(), Map.of(),
                Map.of("numbers", "8"), Map.of(), "/opt/floe/process-data"));

        String arg = spec.encode();
        Workflow shipped = ShippedSpec.decode(arg).workflow(new Configuration());

        assertThat(arg).matches("[A-Za-z0-9_-]+");
        assertThat(COMPILER.plan(shipped).describe()).isEqualTo(COMPILER.plan(spec.workflow(new Configuration())).describe())
                .contains("process-data-l1          tasks=8 ");
    }

    @Test
    void templatesAndBatchDirectoriesTravelToo() {
        ShippedSpec argo = ShippedSpec.of(EXAMPLES.resolve("templates/say-hello.yaml"),
                List.of(EXAMPLES.resolve("templates/lib/greetings.yaml")), SpecOptions.none().withImageDir("/opt/flink"));
        ShippedSpec batch = ShippedSpec.of(EXAMPLES.resolve("process-data/batch"), List.of(),
                SpecOptions.none().withVolumes(Map.of("workdir", "/mnt/vol")).withImageDir("/opt/flink"));

        assertThat(ShippedSpec.decode(argo.encode()).templates()).containsExactly("greetings.yaml");
        assertThat(COMPILER.plan(ShippedSpec.decode(batch.encode()).workflow(new Configuration())).describe())
                .isEqualTo(COMPILER.plan(batch.workflow(new Configuration())).describe());
    }

    @Test
    void errorsNameTheUsersFile() throws Exception {
        Path bad = Files.writeString(tmp.resolve("typo.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: typo}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      containr: {image: busybox}
                """);
        ShippedSpec spec = ShippedSpec.decode(ShippedSpec.of(bad, List.of(), SpecOptions.none().withImageDir("/")).encode());

        SpecException e = assertThrows(SpecException.class, () -> spec.workflow(new Configuration()));
        assertThat(e.getMessage()).startsWith("typo.yaml:8:").contains("containr");
    }

    @Test
    void aCutArgumentIsABadInputNotACrash() {
        String arg = ShippedSpec.of(EXAMPLES.resolve("process-data/process-data.yaml"), List.of(), SpecOptions.none().withImageDir("/"))
                .encode();
        SpecException e = assertThrows(SpecException.class, () -> ShippedSpec.decode(arg.substring(0, arg.length() / 2)));
        assertThat(e.getMessage()).contains("shipped workflow cannot be read");
    }
}

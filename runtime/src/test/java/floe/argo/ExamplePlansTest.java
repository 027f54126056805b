package floe.argo;

import floe.batch.BatchJobs;
import floe.spec.LocalImages;
import floe.compile.WorkflowCompiler;
import floe.model.Workflow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden plans: every example in {@code conf/examples} (Argo files and Batch job directories)
 * compiles to the plan in {@code src/test/resources/golden/NAME.plan.json}. Rewrite after a
 * deliberate change with {@code -Dfloe.golden.update=true}.
 */
class ExamplePlansTest {
    private static final Path EXAMPLES = Path.of("../conf/examples");
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void everyExampleCompilesToItsGoldenPlan() throws IOException {
        List<Path> specs;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            // config/ beside an example holds the config maps it is run with, not workflows.
            specs = files.filter(p -> (p.toString().endsWith(".yaml") && !p.getParent().getFileName().toString().equals("config"))
                            || (Files.isDirectory(p) && p.getFileName().toString().equals("batch")))
                    .sorted().toList();
        }
        assertThat(specs).isNotEmpty();
        // The config map the volumes example names (a secret is only read when a task starts).
        Path settings = Files.createTempFile("settings", ".yaml");
        Files.writeString(settings, "greeting: hello\n");
        settings.toFile().deleteOnExit();
        for (Path spec : specs) {
            Map<String, String> volumes = Map.of("workdir", "/tmp");
            // An example's WorkflowTemplates are in lib/ beside it.
            Path lib = spec.resolveSibling("lib");
            List<Path> templates = Files.isDirectory(lib) && !spec.startsWith(lib)
                    ? Files.list(lib).filter(p -> p.toString().endsWith(".yaml")).sorted().toList() : List.of();
            Workflow wf = Files.isDirectory(spec)
                    ? BatchJobs.fromDirectory(spec, volumes, "/tmp")
                    : ArgoWorkflows.fromYaml(spec, templates, new ArgoOptions(volumes, Map.of(), LocalImages.anyIn("/tmp"),
                            new ArtifactRepository("examples", null)).withLocal(Map.of("api", "/tmp"), Map.of("settings", settings.toString(),
                            "my-config", EXAMPLES.resolve("synchronization/config/my-config.yaml").toString()),
                            null, false));
            String plan = WorkflowCompiler.withMaxParallelism(128).plan(wf).toJson();
            String name = EXAMPLES.relativize(spec).toString().replace('/', '.').replaceAll("\\.yaml$", "");
            Path golden = GOLDEN.resolve(name + ".plan.json");
            if (Boolean.getBoolean("floe.golden.update")) {
                Files.writeString(golden, plan, StandardCharsets.UTF_8);
            }
            assertThat(plan).as(spec.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        }
    }
}

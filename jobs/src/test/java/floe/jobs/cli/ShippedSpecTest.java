package floe.jobs.cli;

import floe.jobs.spec.ShippedSpec;
import floe.model.Workflow;
import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A workflow shipped in a run's arguments loads as the same workflow, with no file of the client read. */
class ShippedSpecTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("floe.home", "..")).resolve("conf/examples").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void anArgoWorkflowAndItsTemplatesTravelInTheArguments() throws Exception {
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy.resolve("lib"));
        Files.copy(EXAMPLES.resolve("templates/say-hello.yaml"), copy.resolve("say-hello.yaml"));
        Files.copy(EXAMPLES.resolve("templates/lib/greetings.yaml"), copy.resolve("lib/greetings.yaml"));

        Workflow here = load("run", copy.resolve("say-hello.yaml").toString(), copy.resolve("lib/greetings.yaml").toString());
        List<String> shipped = shippedArgs(copy.resolve("say-hello.yaml").toString(), copy.resolve("lib/greetings.yaml").toString());
        deleteTree(copy);
        Workflow there = load(shipped.toArray(new String[0]));

        assertThat(describe(there)).isEqualTo(describe(here));
        assertThat(ShippedSpec.decode(shipped.get(3)).options().imageDir()).isEqualTo(copy.toString());
    }

    @Test
    void aBatchDirectoryTravelsFileByFile() throws Exception {
        Path batch = EXAMPLES.resolve("process-data/batch");
        Path volume = Files.createDirectories(dir.resolve("vol"));

        Workflow here = load("run", batch.toString(), "--volume", "workdir=" + volume);
        Workflow there = load(shippedArgs(batch.toString(), "--volume", "workdir=" + volume).toArray(new String[0]));

        assertThat(describe(there)).isEqualTo(describe(here));
    }

    @Test
    void theNoticesAreTheClientsToPrintNotTheShippedRunsAgain() throws Exception {
        Path file = Files.writeString(dir.resolve("noticed.yaml"), String.join("\n", "apiVersion: argoproj.io/v1alpha1",
                "kind: Workflow", "metadata: {name: noticed}", "spec:", "  entrypoint: main", "  podGC: {strategy: OnPodSuccess}",
                "  templates: [{name: main, container: {image: busybox, command: [echo, hi]}}]", ""));
        RunCommand here = new RunCommand();
        new CommandLine(here).parseArgs(file.toString());
        here.spec.load(new Configuration());
        RunCommand there = new RunCommand();
        List<String> shipped = shippedArgs(file.toString());
        new CommandLine(there).parseArgs(shipped.subList(1, shipped.size()).toArray(new String[0]));
        there.spec.load(new Configuration());

        assertThat(printed(here.spec)).isEqualTo("floe: notice: noticed.yaml:6:3: spec.podGC: no effect here: Floe runs no pods"
                + " to delete: a task is a process\n");
        assertThat(printed(there.spec)).isEmpty();
    }

    private static String printed(SpecFile spec) {
        java.io.StringWriter out = new java.io.StringWriter();
        spec.printNotices(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** The arguments of the run floe submit sends for {@code floe run RUNARGS}, as its client makes them. */
    private static List<String> shippedArgs(String... runArgs) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(runArgs);
        Configuration conf = new Configuration();
        run.spec.load(conf);
        ShippedSpec shipped = run.spec.shipped(conf);
        return List.of("run", shipped.name(), "--shipped", shipped.encode());
    }

    private static Workflow load(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(List.of(args).subList(1, args.length).toArray(new String[0]));
        return run.spec.load(new Configuration());
    }

    private static String describe(Workflow w) {
        return FloeOptions.compiler(new Configuration()).plan(w).describe();
    }

    private static void deleteTree(Path p) throws Exception {
        try (var all = Files.walk(p)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThat(p).doesNotExist();
    }
}

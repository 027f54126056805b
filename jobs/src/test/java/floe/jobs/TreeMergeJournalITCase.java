package floe.jobs;

import floe.testutils.MetricFiles;
import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree merge resumed from the journal of an earlier run ({@code floe.run.journal},
 * {@code floe.run.resume-from}), through the {@code floe} command line: tasks the earlier run
 * recorded are not run again (their output files are not written again), and the result is byte
 * for byte that of a run that was never interrupted.
 */
class TreeMergeJournalITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static File shared;

    static File input;
    static byte[] referenceResult;
    static byte[] referenceManifest;

    @TempDir
    File dir;

    @BeforeAll
    static void generateAndRunOnceUninterrupted() throws IOException {
        FloeRun gen = FloeRun.of("generate", "--out", shared.getPath(), "--files", "128", "--records", "60", "--seed", "42");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        input = new File(shared, "level-0");
        File out = new File(shared, "reference-out");
        FloeRun run = FloeRun.of("tree-merge", "--input", input.getPath(), "--work", new File(shared, "reference-work").getPath(),
                "--output", out.getPath());
        assertThat(run.exitCode()).as(run.err()).isZero();
        referenceResult = Files.readAllBytes(new File(out, "result.avro").toPath());
        referenceManifest = Files.readAllBytes(new File(out, "_SUCCESS").toPath());
    }

    private FloeRun treeMerge(File in, String... extra) {
        List<String> args = new ArrayList<>(List.of("tree-merge", "--input", in.getPath(), "--work", new File(dir, "work").getPath(),
                "--output", new File(dir, "out").getPath()));
        args.addAll(List.of(extra));
        return FloeRun.of(args.toArray(new String[0]));
    }

    private String journal() {
        return new File(dir, "journal").toURI().toString();
    }

    @Test
    void aRunThatFailedInLevelOneResumesWithoutRunningItsSucceededTasksAndGivesTheSameBytes() throws Exception {
        File in = new File(dir, "in");
        copy(input, in);
        File late = new File(in, "part-00127.avro");
        byte[] good = Files.readAllBytes(late.toPath());
        MetricFiles.write(late, "k00000009,1,1.0,1.0,1.0", "k00000003,1,1.0,1.0,1.0");

        FloeRun failed = treeMerge(in, "-D", "floe.run.journal=" + journal());

        assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
        assertThat(failed.err()).contains("stage 'merge-l1' task 63 failed");
        Map<String, List<String>> recorded = journalEntries();
        assertThat(recorded.get("merge-l1")).as("level-1 tasks recorded by the failed run").isNotEmpty().doesNotContain("task-63.json");
        Map<Path, Long> written = outputTimes(recorded);

        Files.write(late.toPath(), good);
        FloeRun resumed = treeMerge(in, "-D", "floe.run.journal=" + journal(), "-D", "floe.run.resume-from=" + journal());

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains(recorded.get("merge-l1").size() + " already succeeded (journal)");
        assertThat(outputTimes(recorded)).as("outputs of the tasks not run again are the files the first run wrote").isEqualTo(written);
        assertThat(Files.readAllBytes(new File(dir, "out/result.avro").toPath())).isEqualTo(referenceResult);
        assertThat(Files.readAllBytes(new File(dir, "out/_SUCCESS").toPath())).isEqualTo(referenceManifest);
        assertThat(journalEntries().get("merge-l1")).hasSize(64);
        assertThat(journalEntries().get("merge-l2")).hasSize(32);
        assertThat(journalEntries().get("merge-result")).hasSize(1);
    }

    @Test
    void aRunThatEndedIsResumedRunningOnlyTheTasksWhoseRecordedOutputsAreGone() throws Exception {
        FloeRun first = treeMerge(input, "-D", "floe.run.journal=" + journal());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Map<String, List<String>> recorded = journalEntries();
        assertThat(recorded.values().stream().mapToInt(List::size).sum()).isEqualTo(64 + 32 + 1);
        Map<Path, Long> written = outputTimes(recorded);

        FloeRun again = treeMerge(input, "--overwrite", "-D", "floe.run.resume-from=" + journal());

        assertThat(again.exitCode()).as(again.err()).isZero();
        // --overwrite removed the result and its manifest: the last task runs again, the others do not.
        assertThat(again.out()).contains("64 already succeeded (journal)", "32 already succeeded (journal)");
        assertThat(again.out().lines().filter(l -> l.startsWith("  merge-result ") && l.contains(" retries "))).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .doesNotContain("already succeeded");
        written.keySet().removeIf(p -> p.startsWith(new File(dir, "out").toPath()));
        Map<Path, Long> now = outputTimes(recorded);
        now.keySet().removeIf(p -> p.startsWith(new File(dir, "out").toPath()));
        assertThat(now).isEqualTo(written);
        assertThat(Files.readAllBytes(new File(dir, "out/result.avro").toPath())).isEqualTo(referenceResult);

        Path gone = new File(dir, "work/level-1/part-00010.avro").toPath();
        Files.delete(gone);
        FloeRun rewrites = treeMerge(input, "--overwrite", "-D", "floe.run.resume-from=" + journal());

        assertThat(rewrites.exitCode()).as(rewrites.err()).isZero();
        assertThat(rewrites.out()).contains("63 already succeeded (journal)", "32 already succeeded (journal)");
        assertThat(gone).exists();
        assertThat(Files.readAllBytes(new File(dir, "out/result.avro").toPath())).isEqualTo(referenceResult);
    }

    @Test
    void anArgoRunResumedFromItsJournalRunsOnlyWhatFailedAndItsExitHandlerAgain() throws Exception {
        Path runs = new File(dir, "runs").toPath();
        Path marker = new File(dir, "marker").toPath();
        Path spec = new File(dir, "wf.yaml").toPath();
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: resumed}
                spec:
                  entrypoint: main
                  onExit: bye
                  templates:
                  - name: main
                    steps:
                    - - {name: one, template: one}
                    - - {name: two, template: two, arguments: {parameters: [{name: m, value: "{{steps.one.outputs.result}}"}]}}
                  - name: one
                    container: {image: busybox, command: [sh, -c, "echo one >> RUNS; echo from-one"]}
                  - name: two
                    inputs: {parameters: [{name: m}]}
                    container: {image: busybox, command: [sh, -c, "echo two-{{inputs.parameters.m}} >> RUNS; test -f MARKER || { touch MARKER; exit 3; }"]}
                  - name: bye
                    container: {image: busybox, command: [sh, -c, "echo exit-{{workflow.status}} >> RUNS"]}
                """.replace("RUNS", runs.toString()).replace("MARKER", marker.toString()));
        List<String> settings = List.of("-D", "floe.task.log-dir=" + new File(dir, "logs"), "-D", "floe.run.journal=" + journal(),
                "-D", "floe.run.resume-from=" + journal());
        List<String> first = new ArrayList<>(List.of("run", spec.toString()));
        first.addAll(settings);

        FloeRun failed = FloeRun.of(first.toArray(new String[0]));
        FloeRun resumed = FloeRun.of(first.toArray(new String[0]));

        assertThat(failed.exitCode()).as(failed.err()).isNotZero();
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(runs)).as("step one not run again; step two sees its recorded result; the exit handler runs after each run")
                .containsExactly("one", "two-from-one", "exit-Failed", "two-from-one", "exit-Succeeded");
    }

    /** The journal's files by stage, sorted. */
    private Map<String, List<String>> journalEntries() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        Path root = new File(dir, "journal").toPath();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(f -> out.computeIfAbsent(f.getParent().getFileName().toString(), k -> new ArrayList<>())
                    .add(f.getFileName().toString()));
        }
        out.values().forEach(l -> l.sort(null));
        assertThat(out.values().stream().flatMap(List::stream)).allMatch(n -> n.matches("task-\\d+\\.json"));
        return out;
    }

    /** Each file the recorded tasks wrote, with its modification time in nanoseconds. */
    private Map<Path, Long> outputTimes(Map<String, List<String>> recorded) throws IOException {
        Map<Path, Long> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> stage : recorded.entrySet()) {
            for (String task : stage.getValue()) {
                String json = Files.readString(new File(dir, "journal/tree-merge/" + stage.getKey() + "/" + task).toPath());
                for (com.fasterxml.jackson.databind.JsonNode uri : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("files")) {
                    Path p = Path.of(java.net.URI.create(uri.asText()));
                    out.put(p, Files.getLastModifiedTime(p).to(java.util.concurrent.TimeUnit.NANOSECONDS));
                }
            }
        }
        return out;
    }

    private static void copy(File from, File to) throws IOException {
        assertThat(to.mkdirs()).isTrue();
        for (File f : from.listFiles()) {
            Files.copy(f.toPath(), new File(to, f.getName()).toPath());
        }
    }
}

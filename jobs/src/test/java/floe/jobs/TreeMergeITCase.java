package floe.jobs;

import floe.connectors.avro.MetricReader;
import floe.example.Metric;
import floe.testutils.MetricFiles;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree merge as a user runs it, through the {@code floe} command line, on one Flink shared
 * by the whole class: the commands see it as the cluster that launched them, as under
 * {@code flink run}.
 */
class TreeMergeITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static File shared;

    static String input;

    @TempDir
    File dir;

    @BeforeAll
    static void generate() {
        FloeRun gen = FloeRun.of("generate", "--out", shared.getPath(), "--files", "128", "--records", "60", "--seed", "42");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        input = new File(shared, "level-0").getPath();
    }

    private FloeRun treeMerge(String output, String... extra) {
        List<String> args = new ArrayList<>(List.of("tree-merge", "--input", input,
                "--work", new File(dir, "work").getPath(), "--output", output));
        args.addAll(List.of(extra));
        return FloeRun.of(args.toArray(new String[0]));
    }

    @Test
    void referenceCaseMatchesTheOnePassOracleRecordByRecord() throws Exception {
        File out = new File(dir, "out");

        FloeRun run = treeMerge(out.getPath());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("merge-l1                 tasks=64      parallelism=64")
                .contains("result   " + new Path(new File(out, "result.avro").toURI()));
        assertThat(out.list()).containsExactlyInAnyOrder("result.avro", "_SUCCESS");
        assertThat(new File(dir, "work/level-1").list()).hasSize(64).allMatch(n -> n.matches("part-000\\d\\d\\.avro"));
        assertThat(new File(dir, "work/level-2").list()).hasSize(32).allMatch(n -> n.matches("part-000\\d\\d\\.avro"));
        assertThat(rows(new File(out, "result.avro"))).containsExactlyElementsOf(oracleRows());
        assertThat(inProgressFiles(dir)).isEmpty();

        FloeRun verify = FloeRun.of("verify", "--input", input, "--result", out.getPath());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("verified: 7680 source records, ");
    }

    @Test
    void widthsShapeTheTree() throws Exception {
        File out = new File(dir, "out");

        FloeRun run = treeMerge(out.getPath(), "--widths", "16,4,1", "--codec", "zstandard");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(dir, "work/level-1").list()).hasSize(16);
        assertThat(new File(dir, "work/level-2").list()).hasSize(4);
        assertThat(rows(new File(out, "result.avro"))).containsExactlyElementsOf(oracleRows());
    }

    @Test
    void rerunWithOverwriteGivesIdenticalBytesAndWithoutItRefuses() throws Exception {
        File out = new File(dir, "out");
        assertThat(treeMerge(out.getPath()).exitCode()).isZero();
        byte[] result = Files.readAllBytes(new File(out, "result.avro").toPath());
        byte[] manifest = Files.readAllBytes(new File(out, "_SUCCESS").toPath());

        FloeRun refused = treeMerge(out.getPath());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err().trim()).isEqualTo("floe: --output " + uri(out)
                + ": not empty (holds _SUCCESS, result.avro); choose an empty location or pass --overwrite");

        FloeRun again = treeMerge(out.getPath(), "--overwrite");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(new File(out, "result.avro").toPath())).isEqualTo(result);
        assertThat(Files.readAllBytes(new File(out, "_SUCCESS").toPath())).isEqualTo(manifest);
    }

    @Test
    void unsortedInputFailsTheRunNamingFileAndKeyAndLeavesNoOutput() throws Exception {
        File bad = copyOfInputs();
        MetricFiles.write(new File(bad, "part-00005.avro"), "k00000009,1,1.0,1.0,1.0", "k00000003,1,1.0,1.0,1.0");
        File out = new File(dir, "out");

        FloeRun run = FloeRun.of("tree-merge", "--input", bad.getPath(), "--work", new File(dir, "work").getPath(),
                "--output", out.getPath());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'merge-l1' task 2 failed after 1 attempt: " + new Path(new File(bad, "part-00005.avro").toURI())
                + ": not sorted by key: record 2 has key 'k00000003' after 'k00000009'");
        assertThat(out.list()).isEmpty();
        assertThat(inProgressFiles(dir)).isEmpty();
    }

    @Test
    void badInputsGetOneMessageNamingThePath() throws Exception {
        File out = new File(dir, "out");
        File empty = new File(dir, "empty");
        assertThat(empty.mkdirs()).isTrue();
        File otherSchema = copyOfInputs();
        MetricFiles.writeOtherSchema(new File(otherSchema, "part-00009.avro"));
        File blocker = new File(dir, "a-file");
        Files.writeString(blocker.toPath(), "not a directory");

        assertBadInput(FloeRun.of("tree-merge", "--input", new File(dir, "missing").getPath(), "--work", dir.getPath(), "--output", out.getPath()),
                "floe: --input " + uri(new File(dir, "missing")) + ": no such directory");
        assertBadInput(FloeRun.of("tree-merge", "--input", empty.getPath(), "--work", dir.getPath(), "--output", out.getPath()),
                "floe: --input " + uri(empty) + ": no part-*.avro files (generate some with: floe generate --out DIR)");
        assertBadInput(FloeRun.of("tree-merge", "--input", otherSchema.getPath(), "--work", dir.getPath(), "--output", out.getPath()),
                "floe: " + uri(new File(otherSchema, "part-00009.avro")) + ": not a floe.example.Metric file: field 'count' is string, expected long");
        File gap = copyOfInputs("gap");
        Files.delete(new File(gap, "part-00042.avro").toPath());
        assertBadInput(FloeRun.of("tree-merge", "--input", gap.getPath(), "--work", dir.getPath(), "--output", out.getPath()),
                "floe: --input " + uri(gap) + ": part-00042.avro is missing (found 127 files, part-00000.avro .. part-00127.avro;"
                        + " parts are numbered from part-00000.avro on, without gaps)");
        assertBadInput(treeMerge(new File(blocker, "out").getPath()),
                "floe: --output " + uri(new File(blocker, "out")) + ": not writable: FileAlreadyExistsException: " + blocker.getPath());
        assertBadInput(treeMerge(out.getPath(), "--widths", "64,30,1"),
                "floe: --widths 64,30,1: level 2 cannot split 64 files over 30 tasks evenly (3 files a task makes 22 tasks)");
        assertThat(out).doesNotExist();
    }

    @Test
    void verifyFailsOnATamperedResult() throws Exception {
        File out = new File(dir, "out");
        assertThat(treeMerge(out.getPath()).exitCode()).isZero();
        File manifest = new File(out, "_SUCCESS");
        Files.writeString(manifest.toPath(), Files.readString(manifest.toPath()).replaceFirst("\"totalCount\" : \\d+", "\"totalCount\" : 1"));

        FloeRun verify = FloeRun.of("verify", "--input", input, "--result", out.getPath());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).startsWith("floe: verification FAILED for " + out.getPath()).contains("\"totalCount\" : 1");
    }

    @Test
    void referenceWorkflowInJavaGivesTheSameResult() throws Exception {
        File volume = new File(dir, "vol");
        Files.createDirectories(volume.toPath());
        Files.createSymbolicLink(new File(volume, "level-0").toPath(), new File(input).toPath());

        floe.run.RunResult run = floe.run.ContextRunner.on(new Configuration())
                .run(ProcessData.workflow(Layout.dir(volume.getPath()).toString()), floe.run.ProgressListener.none());

        assertThat(run.stages()).extracting(floe.run.StageResult::tasks).containsExactly(64, 32, 1);
        assertThat(rows(new File(volume, "result/result.avro"))).containsExactlyElementsOf(oracleRows());
        assertThat(new File(volume, "result/_SUCCESS")).exists();
    }

    private static void assertBadInput(FloeRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().trim()).isEqualTo(message);
    }

    private static String uri(File f) {
        return new Path(f.toURI()).toString().replaceAll("/$", "");
    }

    private File copyOfInputs() throws IOException {
        return copyOfInputs("inputs");
    }

    private File copyOfInputs(String name) throws IOException {
        File copy = new File(dir, name);
        assertThat(copy.mkdirs()).isTrue();
        for (File f : new File(input).listFiles()) {
            Files.copy(f.toPath(), new File(copy, f.getName()).toPath());
        }
        return copy;
    }

    private static List<String> inProgressFiles(File root) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(root.toPath())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".inprogress")).toList();
        }
    }

    /** The expected result, computed the plain way: every input record into a sorted map. */
    private static List<String> oracleRows() {
        TreeMap<String, Metric> merged = new TreeMap<>();
        for (File f : new File(input).listFiles()) {
            try (MetricReader in = MetricReader.open(new Path(f.toURI()))) {
                while (in.next()) {
                    Metric m = in.current();
                    merged.merge(m.key().toString(), new Metric().copyFrom(m), (a, b) -> {
                        a.combine(b);
                        return a;
                    });
                }
            }
        }
        return merged.values().stream().map(Metric::toString).toList();
    }

    private static List<String> rows(File file) {
        List<String> rows = new ArrayList<>();
        try (MetricReader in = MetricReader.open(new Path(file.toURI()))) {
            while (in.next()) {
                rows.add(in.current().toString());
            }
        }
        return rows;
    }
}

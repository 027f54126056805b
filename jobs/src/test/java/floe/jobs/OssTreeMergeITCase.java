package floe.jobs;

import floe.testutils.TestingFlink;
import floe.testutils.oss.OssOperation;
import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree merge reading and writing {@code oss://} through Flink's OSS file system (the plugin),
 * against the testing OSS server, as a user runs it: credentials from the environment, the
 * endpoint from a setting.
 */
class OssTreeMergeITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static File shared;

    static TestingOssServer oss;

    @TempDir
    File dir;

    @BeforeAll
    static void start() throws Exception {
        oss = TestingOssServer.start(shared.toPath().resolve("oss"), TestingOss.KEY_ID, TestingOss.SECRET, "data");
        FloeRun gen = run("generate", "--out", "oss://data/ref/", "--files", "32", "--records", "800", "--seed", "42");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
    }

    @AfterAll
    static void stop() {
        oss.close();
    }

    @BeforeEach
    void clean() {
        oss.clearFaults();
        oss.resetStats();
    }

    /** A floe command with the testing endpoint (credentials come from the test JVM's environment). */
    static FloeRun run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("-D", "fs.oss.endpoint=" + oss.endpoint(), "-D", "fs.oss.multipart.upload.size=102400", "-D", "floe.progress=false"));
        return FloeRun.of(all.toArray(new String[0]));
    }

    static List<String> keys(String prefix) {
        return oss.keys("data").stream().filter(k -> k.startsWith(prefix)).toList();
    }

    @Test
    void referenceCaseOnOss() {
        FloeRun merge = run("tree-merge", "--input", "oss://data/ref/level-0/", "--work", "oss://data/work/", "--output", "oss://data/out/");

        assertThat(merge.exitCode()).as(merge.err()).isZero();
        assertThat(keys("ref/level-0/part-")).hasSize(32);
        assertThat(keys("work/level-1/part-")).hasSize(16);
        assertThat(keys("work/level-2/part-")).hasSize(8);
        assertThat(keys("out/")).contains("out/result.avro", "out/_SUCCESS").allMatch(k -> !k.contains(".inprogress") && !k.contains("staged"));
        assertThat(oss.pendingUploads()).isZero();
        assertThat(oss.requests(OssOperation.COMPLETE_MULTIPART_UPLOAD)).as("result.avro (%d bytes) goes up in parts", oss.object("data", "out/result.avro").length).isGreaterThanOrEqualTo(1);

        FloeRun verify = run("verify", "--input", "oss://data/ref/level-0", "--result", "oss://data/out");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("verified: 25600 source records, ");

        byte[] first = oss.object("data", "out/result.avro");
        FloeRun again = run("tree-merge", "--input", "oss://data/ref/level-0", "--work", "oss://data/work", "--output", "oss://data/out", "--overwrite");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(oss.object("data", "out/result.avro")).as("re-execution writes the same key with the same bytes").isEqualTo(first);
        assertThat(keys("work/level-1/part-")).hasSize(16);
    }

    /**
     * Round trips a task makes beside its data, counted at the server: the inputs' lengths come
     * from the listing or from the task that wrote them (no HEAD), an output is published by its
     * upload alone (no "is it a directory" check), the client reads no input itself.
     */
    @Test
    void requestsBesideTheDataAreAtMostFourATask() {
        FloeRun merge = run("tree-merge", "--input", "oss://data/ref/level-0", "--work", "oss://data/count-work", "--output", "oss://data/count-out");
        assertThat(merge.exitCode()).as(merge.err()).isZero();

        int tasks = 16 + 8 + 1;
        java.util.Map<OssOperation, Long> counts = oss.requestCounts();
        System.out.printf("OSS requests of a first run of %d tasks (32 inputs): %s%n", tasks, counts);
        java.util.Set<OssOperation> data = java.util.EnumSet.of(OssOperation.GET_OBJECT, OssOperation.PUT_OBJECT,
                OssOperation.INITIATE_MULTIPART_UPLOAD, OssOperation.UPLOAD_PART, OssOperation.COMPLETE_MULTIPART_UPLOAD);
        long beside = counts.entrySet().stream().filter(e -> !data.contains(e.getKey())).mapToLong(java.util.Map.Entry::getValue).sum();
        assertThat(beside).as("requests beside the data's GETs and PUTs: %s", counts).isLessThanOrEqualTo(4L * tasks);
        assertThat(oss.requests(OssOperation.HEAD_OBJECT)).as("no task asks for a length it was given: only the client's checks of"
                + " --work and --output and its read of _SUCCESS ask").isLessThanOrEqualTo(10);
        assertThat(oss.requests(OssOperation.GET_OBJECT)).as("one GET per input of this size (ranges sized to the file), and the client's"
                + " read of _SUCCESS to print it; no header read by the client").isEqualTo(32 + 16 + 8 + 1);
        assertThat(oss.requests(OssOperation.PUT_OBJECT)).as("one PUT per output file, the result in parts, and _SUCCESS")
                .isLessThanOrEqualTo(16 + 8 + 1 + 2);
    }

    @Test
    void mixedLocations() throws Exception {
        File local = new File(dir, "out");
        FloeRun toDisk = run("tree-merge", "--input", "oss://data/ref/level-0", "--work", new File(dir, "work").getPath(), "--output", local.getPath());
        assertThat(toDisk.exitCode()).as(toDisk.err()).isZero();
        assertThat(local.list()).containsExactlyInAnyOrder("result.avro", "_SUCCESS");

        FloeRun localInput = run("generate", "--out", dir.getPath(), "--files", "32", "--records", "800", "--seed", "42");
        assertThat(localInput.exitCode()).as(localInput.err()).isZero();
        FloeRun toOss = run("tree-merge", "--input", new File(dir, "level-0").getPath(), "--work", "oss://data/mixed-work", "--output", "oss://data/mixed-out");
        assertThat(toOss.exitCode()).as(toOss.err()).isZero();
        assertThat(oss.object("data", "mixed-out/_SUCCESS")).isEqualTo(Files.readAllBytes(new File(local, "_SUCCESS").toPath()));
        assertThat(oss.object("data", "mixed-out/result.avro")).isEqualTo(Files.readAllBytes(new File(local, "result.avro").toPath()));
    }
}

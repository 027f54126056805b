package floe.jobs;

import floe.testutils.TestingFlink;
import floe.testutils.oss.OssFault;
import floe.testutils.oss.OssOperation;
import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad OSS settings and a misbehaving endpoint, as a user of the tree merge meets them. */
class OssFaultsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static File shared;

    static TestingOssServer oss;

    @BeforeAll
    static void start() throws Exception {
        oss = TestingOssServer.start(shared.toPath().resolve("oss"), TestingOss.KEY_ID, TestingOss.SECRET, "data");
        FloeRun gen = run(oss.endpoint(), "generate", "--out", "oss://data/ref", "--files", "8", "--records", "2000", "--seed", "42");
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

    static FloeRun run(String endpoint, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("-D", "fs.oss.endpoint=" + endpoint, "-D", "fs.oss.multipart.upload.size=102400", "-D", "floe.progress=false"));
        return FloeRun.of(all.toArray(new String[0]));
    }

    static FloeRun merge(String endpoint, String input, String output) {
        return run(endpoint, "tree-merge", "--input", input, "--work", output + "-work", "--output", output, "--widths", "4,2,1");
    }

    @Test
    void wrongSecretIsRefusedNamingTheLocationAndOssCode() throws Exception {
        try (TestingOssServer other = TestingOssServer.start(shared.toPath().resolve("other"), TestingOss.KEY_ID, "another-secret", "data")) {
            FloeRun r = merge(other.endpoint(), "oss://data/ref/level-0", "oss://data/out");

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).startsWith("floe: --input oss://data/ref/level-0: OSS error SignatureDoesNotMatch: ")
                    .contains("OSS_ACCESS_KEY_SECRET").doesNotContain(TestingOss.SECRET).doesNotContain("another-secret");
            assertThat(r.err().lines()).hasSize(1);
        }
    }

    @Test
    void unknownBucketForInputOrOutput() {
        FloeRun in = merge(oss.endpoint(), "oss://nobucket/ref/level-0", "oss://data/out-nb");
        assertThat(in.exitCode()).isEqualTo(2);
        assertThat(in.err()).startsWith("floe: --input oss://nobucket/ref/level-0: OSS error NoSuchBucket: The specified bucket does not exist.");

        FloeRun out = merge(oss.endpoint(), "oss://data/ref/level-0", "oss://nobucket/out");
        assertThat(out.exitCode()).isEqualTo(2);
        assertThat(out.err()).startsWith("floe: --output oss://nobucket/out: OSS error NoSuchBucket: ");
    }

    @Test
    void missingInputsAndResults() {
        FloeRun r = merge(oss.endpoint(), "oss://data/nothing/level-0", "oss://data/out-missing");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("floe: --input oss://data/nothing/level-0: no such directory\n");
        assertThat(oss.keys("data")).noneMatch(k -> k.startsWith("out-missing/"));

        FloeRun v = run(oss.endpoint(), "verify", "--input", "oss://data/ref/level-0", "--result", "oss://data/nothing");
        assertThat(v.exitCode()).isEqualTo(2);
        assertThat(v.err()).startsWith("floe: oss://data/nothing/_SUCCESS: no such file");
    }

    @Test
    @Timeout(180)
    void unreachableEndpointFailsInSeconds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FloeRun r = merge("http://127.0.0.1:" + port, "oss://data/ref/level-0", "oss://data/out-unreach");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("floe: --input oss://data/ref/level-0: OSS endpoint not reachable (")
                .contains("127.0.0.1:" + port);
    }

    @Test
    void unavailableBurstsAndADroppedPartUploadAreRetriedAndTheRunCompletes() {
        OssFault reads = OssFault.status(503, "ServiceUnavailable").on(OssOperation.GET_OBJECT).times(3);
        OssFault writes = OssFault.status(503, "ServiceUnavailable").on(OssOperation.PUT_OBJECT).times(3);
        OssFault lists = OssFault.status(500, "InternalError").on(OssOperation.LIST_OBJECTS_V2).times(2);
        oss.inject(reads);
        oss.inject(writes);
        oss.inject(lists);
        OssFault cut = OssFault.dropConnection().on(OssOperation.UPLOAD_PART).forKeysStartingWith("out-503/").times(1);
        oss.inject(cut);

        FloeRun r = merge(oss.endpoint(), "oss://data/ref/level-0", "oss://data/out-503");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(reads.fired() + writes.fired() + lists.fired()).isEqualTo(8);
        assertThat(cut.fired()).as("the result's part upload lost its connection once").isEqualTo(1);
        assertThat(oss.pendingUploads()).isZero();
        FloeRun v = run(oss.endpoint(), "verify", "--input", "oss://data/ref/level-0", "--result", "oss://data/out-503");
        assertThat(v.exitCode()).as(v.err()).isZero();
    }


    @Test
    void aPartUploadThatKeepsFailingFailsTheTaskWithNothingPublished() {
        OssFault down = OssFault.status(503, "ServiceUnavailable").on(OssOperation.UPLOAD_PART).forKeysStartingWith("out-down/").times(1000);
        oss.inject(down);

        FloeRun r = run(oss.endpoint(), "tree-merge", "--input", "oss://data/ref/level-0", "--work", "oss://data/out-down-work",
                "--output", "oss://data/out-down", "--widths", "4,2,1", "--attempts", "2", "-D", "fs.oss.attempts.maximum=1");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("stage 'merge-result' task 0 failed after 2 attempts").contains("oss://data/out-down/result.avro: upload failed, nothing published: ");
        assertThat(oss.keys("data")).noneMatch(k -> k.startsWith("out-down/result") || k.startsWith("out-down/_SUCCESS"));
        assertThat(oss.pendingUploads()).isZero();
    }

    @Test
    void aSecretOnTheCommandLineIsRefused() {
        FloeRun r = run(oss.endpoint(), "verify", "--input", "oss://data/ref/level-0", "--result", "oss://data/out",
                "-D", "fs.oss.accessKeySecret=" + TestingOss.SECRET);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("floe: -D fs.oss.accessKeySecret: secrets are not taken on the command line")
                .doesNotContain(TestingOss.SECRET);
    }
}

package floe.jobs;

import floe.connectors.merge.Manifest;
import floe.testutils.TestingFlink;
import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import org.apache.flink.core.fs.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference Argo workflow on TaskManagers that share no volume: every task stages its files
 * through OSS artifacts (conf/examples/process-data/process-data-oss.yaml), against the testing
 * OSS server; the result matches the native tree merge of the same data.
 */
class OssArtifactsITCase {
    private static final String EXAMPLE = "../conf/examples/process-data/process-data-oss.yaml";

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static File shared;

    static TestingOssServer oss;

    @TempDir
    File dir;

    @BeforeAll
    static void start() throws Exception {
        oss = TestingOssServer.start(shared.toPath().resolve("oss"), TestingOss.KEY_ID, TestingOss.SECRET, "data", "sparse");
        for (String bucket : List.of("data", "sparse")) {
            FloeRun gen = run("generate", "--format", "csv", "--out", "oss://" + bucket, "--files", "8", "--records", "200");
            assertThat(gen.exitCode()).as(gen.err()).isZero();
        }
    }

    @AfterAll
    static void stop() {
        oss.close();
    }

    static FloeRun run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("-D", "fs.oss.endpoint=" + oss.endpoint(), "-D", "floe.progress=false"));
        return FloeRun.of(all.toArray(new String[0]));
    }

    @Test
    void referenceWorkflowStagesEveryFileThroughOss() throws Exception {
        FloeRun wf = run("run", EXAMPLE, "-p", "numbers=4", "-D", "floe.argo.artifacts.oss.bucket=data",
                "-D", "floe.argo.volume-dir=" + new File(dir, "volumes"));

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(oss.keys("data")).filteredOn(k -> k.startsWith("level-1/")).containsExactly(
                "level-1/part-00000.csv", "level-1/part-00001.csv", "level-1/part-00002.csv", "level-1/part-00003.csv");
        assertThat(oss.keys("data")).filteredOn(k -> k.startsWith("level-2/")).containsExactly("level-2/part-00000.csv", "level-2/part-00001.csv");
        assertThat(oss.keys("data")).filteredOn(k -> k.startsWith("result/")).containsExactly("result/_SUCCESS", "result/result.csv");

        File avro = new File(dir, "avro");
        assertThat(FloeRun.of("generate", "--out", avro.getPath(), "--files", "8", "--records", "200").exitCode()).isZero();
        FloeRun merge = FloeRun.of("tree-merge", "--input", avro + "/level-0", "--work", avro + "/work", "--output", avro + "/out");
        assertThat(merge.exitCode()).as(merge.err()).isZero();
        TestingOss.initialize(oss);
        assertThat(Manifest.read(new Path("oss://data/result/_SUCCESS")))
                .isEqualTo(Manifest.read(new Path(new File(avro, "out/_SUCCESS").toURI())));
    }

    @Test
    void aMissingInputObjectFailsItsTaskNamingTheArtifact() throws Exception {
        TestingOss.initialize(oss);
        new Path("oss://sparse/level-0/part-00005.csv").getFileSystem().delete(new Path("oss://sparse/level-0/part-00005.csv"), false);
        FloeRun wf = run("run", EXAMPLE, "-p", "numbers=4", "-D", "floe.argo.artifacts.oss.bucket=sparse",
                "-D", "floe.argo.volume-dir=" + new File(dir, "volumes"));

        assertThat(wf.exitCode()).isEqualTo(1);
        assertThat(wf.err()).contains("task 2 failed").contains("input artifact 'right' oss://sparse/level-0/part-00005.csv: nothing there");
        assertThat(oss.keys("sparse")).noneMatch(k -> k.startsWith("result/") || k.startsWith("level-2/"));
    }

    @Test
    void anArtifactRepositoryFromAConfigMapTakesOutputsWithNoLocation() throws Exception {
        java.nio.file.Path spec = dir.toPath().resolve("repository-ref.yaml");
        java.nio.file.Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: repository-ref
                spec:
                  entrypoint: main
                  artifactRepositoryRef:
                    key: team-a
                  templates:
                  - name: main
                    container:
                      image: busybox
                      command: [sh, -c, "echo hello world > /tmp/hello_world.txt"]
                    outputs:
                      artifacts:
                      - name: hello
                        path: /tmp/hello_world.txt
                """);
        java.nio.file.Path repositories = dir.toPath().resolve("artifact-repositories.yaml");
        java.nio.file.Files.writeString(repositories, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: artifact-repositories
                data:
                  team-a: |
                    oss:
                      bucket: sparse
                      keyFormat: "runs/{{workflow.name}}/{{pod.name}}"
                """);

        FloeRun wf = run("run", spec.toString(), "--config-map", "artifact-repositories=" + repositories);

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(oss.keys("sparse")).filteredOn(k -> k.startsWith("runs/")).containsExactly("runs/repository-ref/repository-ref-main-0/hello.tgz");
    }

    @Test
    void lintNamesAnArtifactWithoutBucket() {
        FloeRun lint = run("lint", EXAMPLE);
        assertThat(lint.exitCode()).isEqualTo(2);
        assertThat(lint.err()).contains("spec.templates[1].inputs.artifacts[0].oss: artifact 'left' names no bucket");
    }

    @Test
    void anOssArtifactWithItsOwnSecretIsStoredWithTheSecretsKeys() throws Exception {
        java.nio.file.Path spec = dir.toPath().resolve("oss-secret.yaml");
        java.nio.file.Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: oss-secret
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    container:
                      image: busybox
                      command: [sh, -c, "echo hello oss > /tmp/hello.txt"]
                    outputs:
                      artifacts:
                      - name: hello
                        path: /tmp/hello.txt
                        archive: {none: {}}
                        oss:
                          endpoint: ENDPOINT
                          bucket: sparse
                          key: with-secret/hello.txt
                          accessKeySecret: {name: oss-creds, key: accessKey}
                          secretKeySecret: {name: oss-creds, key: secretKey}
                """.replace("ENDPOINT", oss.endpoint()));
        java.nio.file.Path good = java.nio.file.Files.createDirectories(dir.toPath().resolve("good"));
        java.nio.file.Files.writeString(good.resolve("accessKey"), TestingOss.KEY_ID);
        java.nio.file.Files.writeString(good.resolve("secretKey"), TestingOss.SECRET);
        java.nio.file.Path bad = java.nio.file.Files.createDirectories(dir.toPath().resolve("bad"));
        java.nio.file.Files.writeString(bad.resolve("accessKey"), TestingOss.KEY_ID);
        java.nio.file.Files.writeString(bad.resolve("secretKey"), "not-the-secret");

        // The run's own endpoint is another: the artifact's, with the secret's keys, is the one used.
        FloeRun denied = FloeRun.of("run", spec.toString(), "--secret", "oss-creds=" + bad, "-D", "fs.oss.endpoint=http://127.0.0.1:9",
                "-D", "floe.progress=false");
        FloeRun stored = FloeRun.of("run", spec.toString(), "--secret", "oss-creds=" + good, "-D", "fs.oss.endpoint=http://127.0.0.1:9",
                "-D", "floe.progress=false");

        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.err()).contains("output artifact 'hello' oss://sparse/with-secret/hello.txt").doesNotContain("not-the-secret");
        assertThat(stored.exitCode()).as(stored.err()).isZero();
        assertThat(oss.keys("sparse")).contains("with-secret/hello.txt");
    }
}

package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo s3 artifacts through Flink's S3 file system plugin, against S3Proxy (a real S3 server that
 * checks SigV4 signatures) started by the test: outputs stored and taken by the next step, Argo's
 * key-only artifacts in an S3 repository, credentials from a secret or the environment, and what
 * a user sees when they are wrong or missing, or when the connection drops during an upload.
 */
class S3ArtifactsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    static Path shared;

    static TestingS3Proxy s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = TestingS3Proxy.start(shared, "my-bucket", "floe-artifacts");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** A secret directory as --secret takes it: a file per key. */
    private Path secret(String name, String accessKey, String secretKey) throws Exception {
        Path d = Files.createDirectories(dir.resolve("secrets").resolve(name));
        if (accessKey != null) {
            Files.writeString(d.resolve("accessKey"), accessKey);
        }
        if (secretKey != null) {
            Files.writeString(d.resolve("secretKey"), secretKey);
        }
        return d;
    }

    private FloeRun run(String endpoint, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("-D", "floe.argo.artifacts.s3.endpoint=" + endpoint, "-D", "floe.progress=false",
                "-D", "floe.argo.volume-dir=" + dir.resolve("volumes")));
        return FloeRun.of(all.toArray(new String[0]));
    }

    private Path workflow(String text) throws Exception {
        Path f = dir.resolve("wf.yaml");
        Files.writeString(f, text);
        return f;
    }

    /** Two steps: the first stores an output in S3 (as an AWS example names it), the second takes it and stores a copy as it is. */
    private static final String PASSING = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              name: s3-passing
            spec:
              entrypoint: main
              templates:
              - name: main
                steps:
                - - name: make
                    template: make
                - - name: take
                    template: take
                    arguments:
                      artifacts:
                      - name: in
                        from: "{{steps.make.outputs.artifacts.out}}"
              - name: make
                container:
                  image: busybox
                  command: [sh, -c, "mkdir -p /tmp/made && echo hello s3 > /tmp/made/a.txt && echo second > /tmp/made/b.txt"]
                outputs:
                  artifacts:
                  - name: out
                    path: /tmp/made
                    ARCHIVE
                    s3:
                      endpoint: s3.amazonaws.com
                      region: us-west-2
                      bucket: my-bucket
                      key: runs/KEY
                      accessKeySecret: {name: my-s3-credentials, key: accessKey}
                      secretKeySecret: {name: my-s3-credentials, key: secretKey}
              - name: take
                inputs:
                  artifacts:
                  - name: in
                    path: /tmp/taken
                container:
                  image: busybox
                  command: [sh, -c, "cat /tmp/taken/a.txt /tmp/taken/b.txt > /tmp/copy.txt"]
                outputs:
                  artifacts:
                  - name: copy
                    path: /tmp/copy.txt
                    archive: {none: {}}
                    s3:
                      bucket: my-bucket
                      key: runs/KEY-copy.txt
                      accessKeySecret: {name: my-s3-credentials, key: accessKey}
                      secretKeySecret: {name: my-s3-credentials, key: secretKey}
            """;

    @Test
    void anOutputStoredAsAGzippedTarIsTheNextStepsInput() throws Exception {
        Path spec = workflow(PASSING.replace("ARCHIVE", "").replace("KEY", "made.tgz"));

        FloeRun wf = run(s3.endpoint(), "run", spec.toString(),
                "--secret", "my-s3-credentials=" + secret("my-s3-credentials", TestingS3Proxy.KEY_ID, TestingS3Proxy.SECRET));

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(s3.keys("my-bucket")).contains("runs/made.tgz", "runs/made.tgz-copy.txt");
        byte[] tgz = Files.readAllBytes(s3.object("my-bucket", "runs/made.tgz"));
        assertThat(tgz[0] & 0xff).as("gzip magic").isEqualTo(0x1f);
        assertThat(tgz[1] & 0xff).isEqualTo(0x8b);
        assertThat(Files.readString(s3.object("my-bucket", "runs/made.tgz-copy.txt"))).isEqualTo("hello s3\nsecond\n");
        assertThat(wf.out() + wf.err()).doesNotContain(TestingS3Proxy.SECRET);
    }

    @Test
    void anOutputStoredAsItIsIsADirectoryOfObjects() throws Exception {
        Path spec = workflow(PASSING.replace("ARCHIVE", "archive: {none: {}}").replace("KEY", "plain"));

        FloeRun wf = run(s3.endpoint(), "run", spec.toString(),
                "--secret", "my-s3-credentials=" + secret("my-s3-credentials", TestingS3Proxy.KEY_ID, TestingS3Proxy.SECRET));

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(s3.keys("my-bucket")).filteredOn(k -> k.startsWith("runs/plain"))
                .containsExactly("runs/plain-copy.txt", "runs/plain/a.txt", "runs/plain/b.txt");
        assertThat(Files.readString(s3.object("my-bucket", "runs/plain/a.txt"))).isEqualTo("hello s3\n");
        assertThat(Files.readString(s3.object("my-bucket", "runs/plain-copy.txt"))).isEqualTo("hello s3\nsecond\n");
    }

    /** Argo's key-only artifacts: only a key, the bucket and credentials those of the artifact repository. */
    private static final String KEY_ONLY = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: key-only-
            spec:
              entrypoint: main
              templates:
              - name: main
                dag:
                  tasks:
                  - {name: write, template: write}
                  - {name: read, template: read, dependencies: [write]}
              - name: write
                container:
                  image: alpine:3
                  command: [sh, -c, "echo hello > /tmp/greeting.txt"]
                outputs:
                  artifacts:
                  - name: greeting
                    path: /tmp/greeting.txt
                    s3: {key: my-file}
              - name: read
                inputs:
                  artifacts:
                  - name: greeting
                    path: /tmp/greeting.txt
                    s3: {key: my-file}
                container:
                  image: alpine:3
                  command: [grep, -q, hello, /tmp/greeting.txt]
            """;

    /** An input read from S3 with the credentials of a Kubernetes secret, as AWS users write it. */
    private static final String INPUT_S3 = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: input-s3-
            spec:
              entrypoint: show
              templates:
              - name: show
                inputs:
                  artifacts:
                  - name: notes
                    path: /tmp/notes.txt
                    s3:
                      endpoint: s3.amazonaws.com
                      bucket: my-bucket
                      key: notes/today.txt
                      accessKeySecret: {name: my-s3-credentials, key: accessKey}
                      secretKeySecret: {name: my-s3-credentials, key: secretKey}
                container:
                  image: alpine:3
                  command: [cat, /tmp/notes.txt]
            """;

    /** An output stored in S3 (a gzipped tar, Argo's default) with a secret's credentials. */
    private static final String OUTPUT_S3 = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: output-s3-
            spec:
              entrypoint: greet
              templates:
              - name: greet
                container:
                  image: alpine:3
                  command: [sh, -c, "echo hello world | tee /tmp/hello_world.txt"]
                outputs:
                  artifacts:
                  - name: greeting
                    path: /tmp/hello_world.txt
                    s3:
                      endpoint: s3.amazonaws.com
                      bucket: my-bucket
                      region: us-west-2
                      key: path/in/bucket/hello_world.txt.tgz
                      accessKeySecret: {name: my-s3-credentials, key: accessKey}
                      secretKeySecret: {name: my-s3-credentials, key: secretKey}
            """;

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void keyOnlyArtifactsRunInAnS3RepositoryWithTheEnvironmentsCredentials() throws Exception {
        FloeRun wf = run(s3.endpoint(), "run", file("key-only-artifact.yaml", KEY_ONLY).toString(),
                "-D", "floe.argo.artifacts.repository=s3://floe-artifacts/");

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(s3.keys("floe-artifacts")).contains("my-file");
        try (var tar = new java.util.zip.GZIPInputStream(Files.newInputStream(s3.object("floe-artifacts", "my-file")))) {
            assertThat(new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("hello");
        }
    }

    @Test
    void aRepositoryFromAConfigMapStoresOutputsWithNoLocation() throws Exception {
        Path spec = workflow("""
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: s3-repository-ref
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
        Path repositories = dir.resolve("artifact-repositories.yaml");
        Files.writeString(repositories, """
                team-a: |
                  s3:
                    bucket: argo-bucket
                    endpoint: minio:9000
                    insecure: true
                    keyFormat: "runs/{{workflow.name}}/{{pod.name}}"
                    accessKeySecret: {name: repo-creds, key: accessKey}
                    secretKeySecret: {name: repo-creds, key: secretKey}
                """);

        FloeRun wf = run(s3.endpoint(), "run", spec.toString(), "--config-map", "artifact-repositories=" + repositories,
                "--secret", "repo-creds=" + secret("repo-creds", TestingS3Proxy.KEY_ID, TestingS3Proxy.SECRET),
                "-D", "floe.argo.artifacts.s3.buckets=argo-bucket=floe-artifacts");

        assertThat(wf.exitCode()).as(wf.err()).isZero();
        assertThat(s3.keys("floe-artifacts")).contains("runs/s3-repository-ref/s3-repository-ref-main-0/hello.tgz");
    }

    @Test
    void aWrongSecretKeyFailsTheTaskNamingTheSecretNeverItsValue() throws Exception {
        Path spec = workflow(PASSING.replace("ARCHIVE", "").replace("KEY", "denied.tgz"));

        FloeRun wf = run(s3.endpoint(), "run", spec.toString(),
                "--secret", "my-s3-credentials=" + secret("my-s3-credentials", TestingS3Proxy.KEY_ID, "not-the-secret-9xZ"));

        assertThat(wf.exitCode()).isEqualTo(1);
        assertThat(wf.err()).contains("output artifact 'out' s3://my-bucket/runs/denied.tgz: access denied")
                .contains("SignatureDoesNotMatch")
                .contains("check secret 'my-s3-credentials' key 'accessKey' and key 'secretKey'")
                .doesNotContain("tried 4 times")
                .doesNotContain("not-the-secret-9xZ").doesNotContain(TestingS3Proxy.SECRET);
        assertThat(s3.keys("my-bucket")).doesNotContain("runs/denied.tgz");
    }

    @Test
    void aSecretNotGivenIsNamedWithTheOptionThatGivesIt() throws Exception {
        FloeRun wf = run(s3.endpoint(), "run", file("input-artifact-s3.yaml", INPUT_S3).toString());

        assertThat(wf.exitCode()).isEqualTo(2);
        assertThat(wf.err()).contains("input-artifact-s3.yaml:").contains("spec.templates[0].inputs.artifacts[0].s3.accessKeySecret:")
                .contains("the secret 'my-s3-credentials' needs its files on this machine: --secret my-s3-credentials=DIR");
    }

    @Test
    void aSecretWithoutTheKeyNamesTheFileExpected() throws Exception {
        Path spec = workflow(PASSING.replace("ARCHIVE", "").replace("KEY", "nokey.tgz"));
        Path creds = secret("my-s3-credentials", TestingS3Proxy.KEY_ID, null);

        FloeRun wf = run(s3.endpoint(), "run", spec.toString(), "--secret", "my-s3-credentials=" + creds);

        assertThat(wf.exitCode()).isEqualTo(1);
        assertThat(wf.err()).contains("output artifact 'out' s3://my-bucket/runs/nokey.tgz: the secret 'my-s3-credentials' key"
                + " 'accessKey' and key 'secretKey' is needed: no file " + creds.resolve("secretKey"));
    }

    @Test
    void aConnectionCutDuringAnUploadIsTriedAgainAndNothingHalfWrittenIsEverAtTheKey() throws Exception {
        String big = """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: s3-cut
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: make
                        template: make
                    - - name: take
                        template: take
                        arguments:
                          artifacts:
                          - name: in
                            from: "{{steps.make.outputs.artifacts.out}}"
                  - name: make
                    container:
                      image: busybox
                      command: [sh, -c, "head -c 3000000 /dev/urandom > /tmp/big.bin && md5sum < /tmp/big.bin > /tmp/big.md5"]
                    outputs:
                      artifacts:
                      - name: out
                        path: /tmp/big.bin
                        archive: {none: {}}
                        s3: {bucket: my-bucket, key: cut/big.bin}
                      - name: sum
                        path: /tmp/big.md5
                        archive: {none: {}}
                        s3: {bucket: my-bucket, key: cut/big.md5}
                  - name: take
                    inputs:
                      artifacts:
                      - name: in
                        path: /tmp/in.bin
                    container:
                      image: busybox
                      command: [sh, -c, "md5sum < /tmp/in.bin > /tmp/taken.md5"]
                    outputs:
                      artifacts:
                      - name: sum
                        path: /tmp/taken.md5
                        archive: {none: {}}
                        s3: {bucket: my-bucket, key: cut/taken.md5}
                """;
        try (TestingCutProxy proxy = new TestingCutProxy(s3.port(), "/my-bucket/cut/big.bin", 1, 100_000,
                () -> Files.exists(s3.object("my-bucket", "cut/big.bin")))) {
            FloeRun wf = run(proxy.endpoint(), "run", workflow(big).toString());

            assertThat(wf.exitCode()).as(wf.err()).isZero();
            assertThat(proxy.uploads).containsExactly("cut", "passed (stored before: false)");
        }
        assertThat(Files.size(s3.object("my-bucket", "cut/big.bin"))).isEqualTo(3_000_000);
        assertThat(Files.readString(s3.object("my-bucket", "cut/taken.md5")))
                .isEqualTo(Files.readString(s3.object("my-bucket", "cut/big.md5")));
    }

    @Test
    void noLogLineOfADebugRunHoldsTheSecret() throws Exception {
        Path logDir = Files.createDirectories(dir.resolve("debug"));
        Path log4j = logDir.resolve("log4j2.properties");
        Files.writeString(log4j, Files.readString(Path.of("../conf/log4j2-cli.properties"))
                .replace("rootLogger.level = INFO", "rootLogger.level = DEBUG").replace("logger.floe.level = INFO", "logger.floe.level = DEBUG"));
        Path creds = secret("my-s3-credentials", TestingS3Proxy.KEY_ID, TestingS3Proxy.SECRET);
        List<String> cmd = new ArrayList<>(ChildJvm.floe(List.of("run", file("output-artifact-s3.yaml", OUTPUT_S3).toString(),
                "--secret", "my-s3-credentials=" + creds, "-D", "floe.argo.artifacts.s3.endpoint=" + s3.endpoint(), "-D", "floe.progress=false")));
        int main = cmd.indexOf("floe.jobs.cli.FloeCli");
        cmd.addAll(main - 2, List.of("-Dlog4j.configurationFile=" + log4j, "-Dfloe.log.dir=" + logDir));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(logDir.resolve("stdout").toFile())
                .redirectError(logDir.resolve("stderr").toFile());
        pb.environment().remove("AWS_SECRET_ACCESS_KEY"); // the secret only in the secret's file
        pb.environment().put("FLINK_CONF_DIR", new File("../conf/embedded").getAbsolutePath());
        Process p = pb.start();
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(Files.readString(logDir.resolve("stderr"))).isZero();
        assertThat(s3.keys("my-bucket")).contains("path/in/bucket/hello_world.txt.tgz");
        long lines = 0;
        for (String f : List.of("floe.log", "stdout", "stderr")) {
            List<String> all = Files.readAllLines(logDir.resolve(f));
            lines += all.size();
            assertThat(all).as(f).noneMatch(line -> line.contains(TestingS3Proxy.SECRET));
        }
        assertThat(Files.readString(logDir.resolve("floe.log"))).as("S3A logged its traffic at DEBUG").contains("my-bucket");
        assertThat(lines).isGreaterThan(1000);
    }
}

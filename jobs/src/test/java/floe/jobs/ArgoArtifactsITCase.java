package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo artifacts through {@code floe run}: passed from step to step through the artifact
 * repository (a directory here), and fetched from an HTTP server that fails on the way, a Git
 * repository and raw text in the spec.
 */
class ArgoArtifactsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    Path dir;

    private TestingHttp http;

    @AfterEach
    void stop() throws IOException {
        if (http != null) {
            http.close();
        }
    }

    private FloeRun run(Path spec, String... more) {
        List<String> args = new ArrayList<>(List.of("run", spec.toString(), "-D", "floe.task.log-dir=" + dir.resolve("logs"),
                "-D", "floe.argo.artifacts.repository=" + dir.resolve("repo").toUri(), "-D", "floe.progress=false"));
        args.addAll(List.of(more));
        return FloeRun.of(args.toArray(new String[0]));
    }

    private String out(String workflow, String stage) throws IOException {
        return Files.readString(dir.resolve("logs/" + workflow + "/" + stage + "/task-00000.attempt-1.out"));
    }

    private List<Path> stored() throws IOException {
        try (Stream<Path> walk = Files.walk(dir.resolve("repo"))) {
            return walk.filter(Files::isRegularFile).map(p -> dir.resolve("repo").relativize(p)).sorted().toList();
        }
    }

    @Test
    void artifactsPassFromStepToStepThroughTheRepository() throws Exception {
        FloeRun run = run(Path.of("../conf/examples/artifacts/passing.yaml"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("artifact-passing", "print")).isEqualTo("hello world\n");
        assertThat(out("artifact-passing", "relay.list")).isEqualTo("one.txt: one\nsub/two.txt: two\n");
        assertThat(out("artifact-passing", "part")).as("one file of the directory (subPath)").isEqualTo("two\n");
        List<Path> stored = stored();
        assertThat(stored).extracting(p -> p.subpath(2, p.getNameCount()).toString()).containsExactlyInAnyOrder(
                "artifact-passing-generate-0/message.tgz",
                "artifact-passing-tree-0/tree/one.txt", "artifact-passing-tree-0/tree/sub/two.txt",
                "artifact-passing-relay-list-0/listing.tgz");
        assertThat(stored).allMatch(p -> p.getName(0).toString().equals("artifact-passing"), "under the workflow's name");
        Path message = dir.resolve("repo").resolve(stored.stream().filter(p -> p.endsWith("message.tgz")).findFirst().orElseThrow());
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(message)))) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertThat(entry.getName()).as("Argo's archive: one entry, the file by its own name").isEqualTo("hello_world.txt");
            assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world\n");
            assertThat(tar.getNextEntry()).isNull();
        }
    }

    @Test
    void inputsComeFromHttpThroughFailuresFromGitAndFromRawTextWithTheirMode() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        byte[] page = "<p>served</p>\n".getBytes(StandardCharsets.UTF_8);
        http = new TestingHttp(request -> {
            if (!request.startsWith("GET /page.html ")) {
                return TestingHttp.Response.of(404, new byte[0]);
            }
            if (!request.contains("\r\nX-Token: token-1\r\n")) {
                return TestingHttp.Response.of(403, new byte[0]);
            }
            int n = asked.incrementAndGet();
            if (n <= 2) {
                return TestingHttp.Response.of(503, new byte[0]); // a burst of 503s
            }
            return n == 3 ? TestingHttp.Response.cut(page, 4) : TestingHttp.Response.of(200, page);
        });
        Path repo = dir.resolve("source");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            Files.writeString(repo.resolve("README"), "first\n");
            git.add().addFilepattern("README").call();
            git.commit().setMessage("first").setAuthor("floe", "floe@example.com").setCommitter("floe", "floe@example.com").call();
            git.tag().setName("v1").call();
            Files.writeString(repo.resolve("README"), "second\n");
            git.commit().setAll(true).setMessage("second").setAuthor("floe", "floe@example.com").setCommitter("floe", "floe@example.com").call();
        }
        Path spec = dir.resolve("fetch.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: fetch
                spec:
                  entrypoint: fetch
                  arguments:
                    artifacts:
                    - name: page
                      http:
                        url: http://127.0.0.1:%d/page.html
                        headers:
                        - name: X-Token
                          value: token-1
                  templates:
                  - name: fetch
                    inputs:
                      artifacts:
                      - name: page
                        path: /tmp/fetched/page.html
                      - name: run-me
                        path: /tmp/fetched/run-me
                        mode: 0755
                        raw:
                          data: |
                            #!/bin/sh
                            echo raw ran
                      - name: source
                        path: /tmp/fetched/source
                        git:
                          repo: %s
                          revision: v1
                      - name: absent
                        path: /tmp/fetched/absent
                        optional: true
                        http:
                          url: http://127.0.0.1:%d/absent
                    container:
                      image: busybox
                      command: [sh, -c]
                      args: ["/tmp/fetched/run-me; cat /tmp/fetched/page.html /tmp/fetched/source/README; ls /tmp/fetched"]
                """.formatted(http.port(), repo.toUri(), http.port()));

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("fetch", "fetch")).isEqualTo("raw ran\n<p>served</p>\nfirst\npage.html\nrun-me\nsource\n");
        assertThat(asked).as("two 503s and a cut connection, then the whole page").hasValue(4);
        assertThat(run.err()).doesNotContain("token-1");
    }

    @Test
    void aStepsTemplateChoosesItsOutputArtifactByAnExpressionAndTheNextStepGetsIt() throws Exception {
        Path spec = dir.resolve("conditional.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: conditional
                spec:
                  entrypoint: main
                  arguments:
                    parameters:
                    - name: side
                      value: tails
                  templates:
                  - name: main
                    steps:
                    - - name: toss
                        template: toss
                    - - name: read
                        template: read
                        arguments:
                          artifacts:
                          - name: result
                            from: "{{steps.toss.outputs.artifacts.result}}"
                  - name: toss
                    steps:
                    - - name: flip
                        template: flip
                    - - name: heads
                        template: write
                        when: "{{steps.flip.outputs.result}} == heads"
                        arguments:
                          parameters: [{name: text, value: it was heads}]
                      - name: tails
                        template: write
                        when: "{{steps.flip.outputs.result}} == tails"
                        arguments:
                          parameters: [{name: text, value: it was tails}]
                    outputs:
                      artifacts:
                      - name: result
                        fromExpression: "steps['flip'].outputs.result == 'heads' ? steps.heads.outputs.artifacts.result : steps.tails.outputs.artifacts.result"
                  - name: flip
                    container:
                      image: busybox
                      command: [echo, "{{workflow.parameters.side}}"]
                  - name: write
                    inputs:
                      parameters:
                      - name: text
                    container:
                      image: busybox
                      command: [sh, -c, "echo '{{inputs.parameters.text}}' > /result.txt"]
                    outputs:
                      artifacts:
                      - name: result
                        path: /result.txt
                  - name: read
                    inputs:
                      artifacts:
                      - name: result
                        path: /tmp/result.txt
                    container:
                      image: busybox
                      command: [cat, /tmp/result.txt]
                """);

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("conditional", "read")).isEqualTo("it was tails\n");
        Path root = Path.of("/result.txt");
        assertThat(!Files.exists(root) || Files.size(root) == 0).as("the command's file was its own; this machine has at most"
                + " the empty mount point").isTrue();
    }

    @Test
    void aGlobalOutputArtifactReachesALaterStepThatNamesOnlyItsGlobalName() throws Exception {
        Path spec = dir.resolve("global.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: global
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: make
                        template: make
                    - - name: later
                        template: later
                  - name: make
                    container:
                      image: busybox
                      command: [sh, -c, "echo global value > /tmp/value.txt"]
                    outputs:
                      artifacts:
                      - name: value
                        path: /tmp/value.txt
                        globalName: shared-value
                  - name: later
                    steps:
                    - - name: read
                        template: read
                        arguments:
                          artifacts:
                          - name: value
                            from: "{{workflow.outputs.artifacts.shared-value}}"
                  - name: read
                    inputs:
                      artifacts:
                      - name: value
                        path: /tmp/in/value.txt
                    container:
                      image: busybox
                      command: [cat, /tmp/in/value.txt]
                """);

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("global", "later.read")).isEqualTo("global value\n");
    }

    @Test
    void aScriptStartsWhereItsImageStartsSoAFileItWritesBesideItIsTheOutputArtifact() throws Exception {
        // python and busybox set no WORKDIR: Argo runs their commands in /, so result.txt is /result.txt.
        Path spec = dir.resolve("where.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: where
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: write
                        template: write
                    - - name: read
                        template: read
                        arguments:
                          artifacts:
                          - name: result
                            from: "{{steps.write.outputs.artifacts.result}}"
                  - name: write
                    script:
                      image: python:alpine3.6
                      command: [python3]
                      source: |
                        import os
                        with open("result.txt", "w") as f:
                            f.write("written in " + os.getcwd() + "\\n")
                    outputs:
                      artifacts:
                      - name: result
                        path: /result.txt
                  - name: read
                    inputs:
                      artifacts:
                      - name: result
                        path: /tmp/result.txt
                    container:
                      image: busybox
                      command: [sh, -c, "pwd; cat /tmp/result.txt"]
                """);

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("where", "read")).isEqualTo("/\nwritten in /\n");
        assertThat(dir.resolve("result.txt")).doesNotExist();
    }

    @Test
    void aDirectoryTheCommandMakesForItsOutputIsItsOwnAndNotLeftOnThisMachine() throws Exception {
        // As in a container, the output's directory does not exist until the command makes it (Argo's map-reduce).
        String made = "/tmp/floe-made-" + java.util.UUID.randomUUID();
        Path spec = dir.resolve("made.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: made
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: make
                        template: make
                    - - name: read
                        template: read
                        arguments:
                          artifacts:
                          - name: part
                            from: "{{steps.make.outputs.artifacts.part}}"
                  - name: make
                    container:
                      image: busybox
                      command: [sh, -c, "mkdir MADE && echo made > MADE/part.json"]
                    outputs:
                      artifacts:
                      - name: part
                        path: MADE/part.json
                  - name: read
                    inputs:
                      artifacts:
                      - name: part
                        path: MADE/in/part.json
                    container:
                      image: busybox
                      command: [cat, MADE/in/part.json]
                """.replace("MADE", made));

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("made", "read")).isEqualTo("made\n");
        assertThat(Path.of(made)).doesNotExist();
    }

    @Test
    void aDataTemplateListsTheKeysUnderALocationFiltersThemAndALoopFetchesEach() throws Exception {
        Path spec = dir.resolve("data-logs.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: data-logs
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: write
                        template: write
                        arguments:
                          parameters: [{name: file, value: "{{item}}"}]
                        withItems: [a-main.log, b.txt, c-main.log]
                    - - name: list
                        template: list
                    - - name: show
                        template: show
                        withParam: "{{steps.list.outputs.result}}"
                        arguments:
                          parameters: [{name: key, value: "{{item}}"}]
                          artifacts:
                          - name: log
                            s3:
                              key: "{{item}}"
                  - name: write
                    inputs:
                      parameters: [{name: file}]
                    container:
                      image: busybox
                      command: [sh, -c, "echo 'log {{inputs.parameters.file}}' > /tmp/out.txt"]
                    outputs:
                      artifacts:
                      - name: log
                        path: /tmp/out.txt
                        archive: {none: {}}
                        s3:
                          key: "logs/{{inputs.parameters.file}}"
                  - name: list
                    data:
                      source:
                        artifactPaths:
                          name: logs
                          s3:
                            key: logs/
                      transformation:
                      - expression: "filter(data, {# endsWith \\"main.log\\"})"
                  - name: show
                    inputs:
                      parameters: [{name: key}]
                      artifacts:
                      - name: log
                        path: /tmp/in/log.txt
                    container:
                      image: busybox
                      command: [sh, -c, "echo {{inputs.parameters.key}}: $(cat /tmp/in/log.txt)"]
                """);

        FloeRun run = run(spec);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out("data-logs", "list")).isEqualTo("[\"logs/a-main.log\",\"logs/c-main.log\"]");
        assertThat(Files.readString(dir.resolve("logs/data-logs/show/task-00001.attempt-1.out")))
                .isEqualTo("logs/c-main.log: log c-main.log\n");
    }

    @Test
    void aMissingOutputFailsTheStepNamingItAndAnOptionalOneIsPassedOver() throws Exception {
        Path spec = dir.resolve("missing.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: missing
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: write
                        template: write
                    - - name: read
                        template: read
                        arguments:
                          artifacts:
                          - name: maybe
                            from: "{{steps.write.outputs.artifacts.maybe}}"
                  - name: write
                    container:
                      image: busybox
                      command: [sh, -c, "mkdir -p /tmp/out && echo kept > /tmp/out/kept.txt"]
                    outputs:
                      artifacts:
                      - name: kept
                        path: /tmp/out/kept.txt
                      - name: maybe
                        path: /tmp/out/maybe.txt
                        optional: true
                  - name: read
                    inputs:
                      artifacts:
                      - name: maybe
                        path: /tmp/maybe.txt
                        optional: true
                    container:
                      image: busybox
                      command: [sh, -c, "test -e /tmp/maybe.txt && echo there || echo absent"]
                """);

        FloeRun ok = run(spec);

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(out("missing", "read")).isEqualTo("absent\n");

        String required = Files.readString(spec).replace("path: /tmp/out/maybe.txt\n        optional: true", "path: /tmp/out/maybe.txt");
        assertThat(required).isNotEqualTo(Files.readString(spec));
        Files.writeString(spec, required);
        FloeRun failed = run(spec);

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("output artifact 'maybe': the command wrote nothing at /tmp/out/maybe.txt");
    }

}

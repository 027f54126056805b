package floe.jobs.cli;

import floe.jobs.FloeRun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Fields of an Argo workflow that have no effect here: one notice each on stderr, and lint still passes. */
class LintNoticesTest {
    private static final String WORKFLOW = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: noticed-
            spec:
              entrypoint: main
              podGC:
                strategy: OnPodSuccess
              templates:
                - name: main
                  %s
                  container:
                    image: busybox
                    imagePullPolicy: Always
                    command: [echo, hello]
            """;

    @TempDir
    Path dir;

    @Test
    void lintPrintsANoticeForEachFieldWithoutEffectAndPasses() throws Exception {
        Path file = Files.writeString(dir.resolve("noticed.yaml"), WORKFLOW.formatted("nodeSelector: {disk: ssd}"));

        FloeRun lint = FloeRun.of("lint", file.toString());

        assertThat(lint.exitCode()).as(lint.err()).isZero();
        assertThat(lint.err().lines()).containsExactly(
                "floe: notice: noticed.yaml:7:3: spec.podGC: no effect here: Floe runs no pods to delete: a task is a process",
                "floe: notice: noticed.yaml:11:7: spec.templates[0].nodeSelector: no effect here: Floe runs each task as a process"
                        + " on a Flink TaskManager, not as a pod placed on a node",
                "floe: notice: noticed.yaml:14:9: spec.templates[0].container.imagePullPolicy: no effect here: Floe pulls no images:"
                        + " commands run on this machine");
        assertThat(lint.out()).startsWith(file + ": ok (workflow noticed, 1 stages, 1 tasks)");
    }

    @Test
    void aRefusedFieldIsTheOneMessageAndLintFails() throws Exception {
        Path file = Files.writeString(dir.resolve("refused.yaml"), WORKFLOW.formatted("plugin: {hello: {}}"));

        FloeRun lint = FloeRun.of("lint", file.toString());

        assertThat(lint.exitCode()).isEqualTo(2);
        assertThat(lint.err().lines()).containsExactly("floe: refused.yaml:11:7: spec.templates[0].plugin:"
                + " plugin templates are not supported by Floe");
        assertThat(lint.out()).isEmpty();
    }

    @Test
    void anImageWhoseEntrypointThisMachineLacksIsWhatTheRunNeedsLintPassesAndRunRefuses() throws Exception {
        Path file = Files.writeString(dir.resolve("server.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: server
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      container:
                        image: nginx:1.13
                """);

        FloeRun lint = FloeRun.of("lint", file.toString());
        FloeRun run = FloeRun.of("run", file.toString());

        assertThat(lint.exitCode()).as(lint.err()).isZero();
        assertThat(lint.err().lines()).containsExactly("floe: notice: server.yaml:9:7: spec.templates[0].container: to run: no"
                + " command, so Argo would run the entrypoint of image 'nginx:1.13', which does not run on this machine: map the"
                + " image to a program with floe.local.entrypoints (-D floe.local.entrypoints='nginx:1.13=PROGRAM')");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("server.yaml:9:7: spec.templates[0].container: no command, so Argo would run the"
                + " entrypoint of image 'nginx:1.13'");
    }
}

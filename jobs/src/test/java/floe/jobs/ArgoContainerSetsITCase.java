package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's container set templates through {@code floe run}: the containers of one task run as
 * processes by their dependencies, side by side otherwise, sharing the task's empty directory; the
 * main container's outputs are the task's; a failed container fails the task and its dependents
 * never start; the set's retryStrategy runs a failed container again in its place.
 */
class ArgoContainerSetsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    Path dir;

    private FloeRun run(String name, String yaml) throws Exception {
        Path spec = dir.resolve(name + ".yaml");
        Files.writeString(spec, yaml);
        return FloeRun.of("run", spec.toString(), "-D", "floe.task.log-dir=" + dir.resolve("logs"), "-D",
                "floe.argo.volume-dir=" + dir.resolve("volumes"), "-D", "floe.progress=false");
    }

    private Path log(String workflow, String stage, String name) {
        return dir.resolve("logs/" + workflow + "/" + stage + "/task-00000.attempt-1." + name);
    }

    @Test
    void containersRunByTheirDependenciesSideBySideOtherwiseAndShareTheWorkspace() throws Exception {
        FloeRun run = run("graph", """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: graph
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: work
                        template: work
                    - - name: show
                        template: show
                        arguments:
                          parameters:
                          - name: message
                            value: "{{steps.work.outputs.parameters.message}}"
                  - name: work
                    volumes:
                    - name: workspace
                      emptyDir: {}
                    containerSet:
                      volumeMounts:
                      - name: workspace
                        mountPath: /workspace
                      containers:
                      - name: a
                        image: busybox
                        command: [sh, -c, 'date +%s.%N > /workspace/a.start; sleep 1; echo a >> /workspace/message; date +%s.%N > /workspace/a.end']
                      - name: b
                        image: busybox
                        command: [sh, -c, 'date +%s.%N > /workspace/b.start; sleep 1; echo b >> /workspace/message; date +%s.%N > /workspace/b.end']
                      - name: main
                        image: busybox
                        dependencies: [a, b]
                        command: [sh, -c, 'echo main >> /workspace/message; cat /workspace/a.start /workspace/a.end /workspace/b.start /workspace/b.end; date +%s.%N']
                    outputs:
                      parameters:
                      - name: message
                        valueFrom:
                          path: /workspace/message
                  - name: show
                    inputs:
                      parameters:
                      - name: message
                    container:
                      image: busybox
                      command: [echo, "{{inputs.parameters.message}}"]
                """);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Double> times = Files.readAllLines(log("graph", "work", "out")).stream().map(Double::parseDouble).toList();
        double aStart = times.get(0);
        double aEnd = times.get(1);
        double bStart = times.get(2);
        double bEnd = times.get(3);
        double main = times.get(4);
        assertThat(aStart).as("a and b ran side by side").isLessThan(bEnd);
        assertThat(bStart).as("a and b ran side by side").isLessThan(aEnd);
        assertThat(main).as("main after both").isGreaterThanOrEqualTo(Math.max(aEnd, bEnd));
        assertThat(String.join(" ", Files.readAllLines(log("graph", "show", "out")))).as("the main container's output parameter")
                .matches("(a b|b a) main");
    }

    @Test
    void aFailedContainerFailsTheTaskItsDependentsNeverStartAndTheOthersRunToTheirEnd() throws Exception {
        Path marks = Files.createDirectories(dir.resolve("marks"));
        FloeRun run = run("failing", """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: failing
                spec:
                  entrypoint: work
                  templates:
                  - name: work
                    containerSet:
                      containers:
                      - name: fetch
                        image: busybox
                        command: [sh, -c, 'echo "no such bucket" >&2; exit 4']
                      - name: slow
                        image: busybox
                        command: [sh, -c, 'sleep 1; touch %1$s/slow']
                      - name: main
                        image: busybox
                        dependencies: [fetch]
                        command: [touch, "%1$s/main"]
                """.formatted(marks));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'work' task 0 failed after 1 attempt: container 'fetch'")
                .contains("exited with code 4: no such bucket");
        assertThat(marks.resolve("main")).as("main waits for fetch, which failed").doesNotExist();
        assertThat(marks.resolve("slow")).as("a container that does not wait for fetch runs to its end").exists();
        assertThat(log("failing", "work", "container-fetch.err")).hasContent("no such bucket");
    }

    @Test
    void theSetsRetryStrategyRunsAFailedContainerAgainInItsPlace() throws Exception {
        FloeRun run = run("retried", """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: retried
                spec:
                  entrypoint: work
                  templates:
                  - name: work
                    volumes:
                    - name: workspace
                      emptyDir: {}
                    containerSet:
                      retryStrategy:
                        retries: "2"
                        duration: 100ms
                      volumeMounts:
                      - name: workspace
                        mountPath: /workspace
                      containers:
                      - name: flaky
                        image: busybox
                        command: [sh, -c, 'echo try >> /workspace/tries; echo "try $(wc -l < /workspace/tries)"; [ "$(wc -l < /workspace/tries)" -ge 3 ]']
                      - name: main
                        image: busybox
                        dependencies: [flaky]
                        command: [sh, -c, 'wc -l < /workspace/tries']
                """);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllLines(log("retried", "work", "container-flaky.out"))).containsExactly("try 1", "try 2", "try 3");
        assertThat(log("retried", "work", "out")).hasContent("3");
    }
}

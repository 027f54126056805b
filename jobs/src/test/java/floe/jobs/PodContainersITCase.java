package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Argo's init containers and sidecars, through {@code floe run}: the containers of a task's pod, as processes. */
class PodContainersITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    File dir;

    private File log(String workflow, String stage, int task, String name) {
        return new File(dir, "logs/" + workflow + "/" + stage + "/task-" + String.format("%05d", task) + ".attempt-1." + name);
    }

    private FloeRun run(String file) {
        return FloeRun.of("run", file, "-D", "floe.task.log-dir=" + new File(dir, "logs"), "-D",
                "floe.argo.volume-dir=" + new File(dir, "volumes"));
    }

    @Test
    void anInitContainerAndASidecarShareEachTasksEmptyDirWithTheMainContainer() throws Exception {
        long start = System.nanoTime();
        FloeRun run = run("../conf/examples/pods/init-and-sidecar.yaml");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("init-and-sidecar", "greet", 0, "out")).hasContent("hello, ada");
        assertThat(log("init-and-sidecar", "greet", 1, "out")).hasContent("hello, grace");
        assertThat(took).as("the sidecars (sleep 1000) were stopped once the main containers ended").isLessThan(Duration.ofSeconds(60));
        for (int task = 0; task < 2; task++) {
            String served = Files.readString(log("init-and-sidecar", "greet", task, "sidecar-server.out").toPath());
            assertThat(served).as("killed before it went on").doesNotContain("still running");
        }
        // The sidecars' pids are those of their own PID namespaces ($$ is 1): their sleeps are found by their arguments.
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep 1000")).orElse(false))
                .filter(p -> p.isAlive() && !zombie(p.pid())).map(ProcessHandle::pid).toList()).as("sidecars still running").isEmpty();
        assertThat(new File(dir, "volumes").list()).as("the tasks' empty directories are removed when the run ends").isEmpty();
    }

    @Test
    void aFailingInitContainerFailsTheTaskNamingItAndTheMainContainerNeverRuns() throws Exception {
        Path spec = dir.toPath().resolve("init-fails.yaml");
        Path marker = dir.toPath().resolve("main-ran");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: init-fails
                spec:
                  entrypoint: work
                  templates:
                  - name: work
                    initContainers:
                    - name: fetch-config
                      image: busybox
                      command: [sh, -c, "echo 'config server unreachable' >&2; exit 3"]
                    container:
                      image: busybox
                      command: [touch, "%s"]
                """.formatted(marker));

        FloeRun run = run(spec.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'work' task 0 failed after 1 attempt: init container 'fetch-config':")
                .contains("exited with code 3: config server unreachable");
        assertThat(marker).as("the main container").doesNotExist();
        assertThat(log("init-fails", "work", 0, "init-fetch-config.err")).hasContent("config server unreachable");
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true; // gone
        }
    }
}

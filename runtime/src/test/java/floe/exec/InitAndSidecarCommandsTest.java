package floe.exec;

import floe.TaskFailedException;
import floe.model.Command;
import floe.model.Stage;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskOutcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A command's init commands and sidecars, as the containers of a pod: real processes, their own log files. */
class InitAndSidecarCommandsTest {
    @TempDir
    Path logs;

    @TempDir
    Path work;

    private TaskCompletion run(Stage stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs)) {
            return executor.run(0, List.of());
        }
    }

    private Path log(String stage, String name) {
        return logs.resolve("wf").resolve(stage).resolve("task-00000.attempt-1." + name);
    }

    private static Command.Helper helper(String name, String script, Command.Mount... mounts) {
        return new Command.Helper(name, Command.of("sh", "-c", script).withMounts(List.of(mounts)));
    }

    @Test
    void anInitCommandPreparesAVolumeTheMainCommandThenReads() throws Exception {
        assumeTrue(mountNamespacesWork(), "mount namespaces");
        String at = "/tmp/floe-init-test-" + ProcessHandle.current().pid();
        Command.Mount volume = new Command.Mount(work.toString(), at);
        Stage stage = Stage.named("pod").command(ctx -> Command.of("cat", at + "/config.txt").withMounts(List.of(volume))
                .withInit(List.of(helper("prepare", "echo preparing; echo 'port=8080' > " + at + "/config.txt", volume),
                        helper("check", "grep -q port= " + at + "/config.txt", volume)))).build();

        try {
            TaskCompletion done = run(stage);

            assertThat(done.outcome().result()).hasValue("port=8080");
            assertThat(done.outcome().exitCode()).hasValue(0);
            assertThat(log("pod", "init-prepare.out")).hasContent("preparing");
            assertThat(log("pod", "init-check.out")).as("printed nothing").doesNotExist();
            assertThat(log("pod", "out")).hasContent("port=8080");
        } finally {
            Files.deleteIfExists(Path.of(at));
        }
    }

    @Test
    void aFailingInitCommandFailsTheTaskNamingItAndTheMainCommandNeverRuns() {
        Path ran = work.resolve("main-ran");
        Path second = work.resolve("second-ran");
        Stage stage = Stage.named("pod").command(ctx -> Command.of("touch", ran.toString())
                .withInit(List.of(helper("prepare", "echo 'no config here' >&2; exit 3"), helper("later", "touch " + second)))).build();

        assertThatThrownBy(() -> run(stage)).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("stage 'pod' task 0 failed after 1 attempt: init container 'prepare': sh -c")
                .hasMessageContaining("exited with code 3: no config here (log: " + log("pod", "init-prepare.err") + ")");
        assertThat(ran).doesNotExist();
        assertThat(second).as("init commands after the failed one").doesNotExist();
        assertThat(log("pod", "init-prepare.err")).hasContent("no config here");
    }

    @Test
    void aSidecarServesTheMainCommandAndIsStoppedWhenItEnds() throws Exception {
        Path ready = work.resolve("ready");
        Path pids = work.resolve("sidecar.pids");
        Path late = work.resolve("late");
        String sidecar = "echo serving; echo $$ > " + pids + "; sleep 1000.4244 & echo $! >> " + pids + "; echo up > " + ready
                + "; wait; echo late > " + late;
        Stage stage = Stage.named("pod").command(ctx -> Command.of("sh", "-c", "while [ ! -f " + ready + " ]; do sleep 0.05; done; cat "
                + ready).withSidecars(List.of(helper("server", sidecar)))).build();

        long start = System.nanoTime();
        TaskCompletion done = run(stage);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(done.outcome().result()).hasValue("up");
        assertThat(done.outcome().phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(took).as("the sidecar stopped once the main command ended").isLessThan(Duration.ofSeconds(5));
        // Its pids are those of its own PID namespace: its processes are found by their arguments.
        assertThat(Files.readAllLines(pids)).hasSize(2);
        assertThat(CommandTaskTest.running(pids.toString())).as("the sidecar's shell").isEmpty();
        assertThat(CommandTaskTest.running("sleep 1000.4244")).as("the sidecar's child").isEmpty();
        assertThat(late).as("written by a sidecar that ran on").doesNotExist();
        assertThat(log("pod", "sidecar-server.out")).hasContent("serving");
        assertThat(log("pod", "sidecar-server.err")).as("printed nothing").doesNotExist();
    }

    @Test
    void theOutcomeIsTheMainCommandsWhateverTheSidecarsDo() throws Exception {
        Stage ok = Stage.named("ok").command(ctx -> Command.of("echo", "done")
                .withSidecars(List.of(helper("quits", "exit 7")))).build();
        Stage failing = Stage.named("failing").command(ctx -> Command.of("sh", "-c", "exit 4")
                .withSidecars(List.of(helper("runs", "sleep 1000")))).build();

        TaskOutcome done = run(ok).outcome();
        assertThat(done.result()).hasValue("done");
        assertThat(done.exitCode()).hasValue(0);
        assertThatThrownBy(() -> run(failing)).hasMessageContaining("sh -c exit 4 exited with code 4")
                .hasMessageNotContaining("sidecar");
    }

    @Test
    void aTimeoutStopsTheSidecarsToo() throws Exception {
        Path pid = work.resolve("sidecar.pid");
        Stage stage = Stage.named("slow").timeout(Duration.ofMillis(1500)).command(ctx -> Command.of("sleep", "60")
                .withSidecars(List.of(helper("server", "sleep 1000.4245 & echo $! > " + pid + "; wait")))).build();

        assertThatThrownBy(() -> run(stage)).hasMessageContaining("ran longer than its timeout of 1.5s");

        // As for a main command alone, the timed-out attempt's thread kills its processes as it is interrupted.
        assertThat(pid).exists();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!CommandTaskTest.running("sleep 1000.4245").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(CommandTaskTest.running("sleep 1000.4245")).as("sidecar's child").isEmpty();
    }

    @Test
    void aSidecarThatCannotStartFailsTheTaskNamingIt() {
        Path ran = work.resolve("main-ran");
        Stage stage = Stage.named("pod").command(ctx -> Command.of("touch", ran.toString())
                .withSidecars(List.of(new Command.Helper("db", Command.of("no-such-database-floe"))))).build();

        assertThatThrownBy(() -> run(stage)).hasMessageContaining("stage 'pod', sidecar 'db': cannot run 'no-such-database-floe'");
        assertThat(ran).doesNotExist();
    }

    /** Whether process {@code pid} runs: not gone, and not a zombie (ended, and not yet reaped by init). */

    private static boolean mountNamespacesWork() throws Exception {
        List<String> probe = "root".equals(System.getProperty("user.name"))
                ? List.of("unshare", "--mount", "true") : List.of("unshare", "--mount", "--map-root-user", "true");
        try {
            return new ProcessBuilder(probe).redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

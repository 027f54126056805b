package floe.exec;

import floe.TaskFailedException;
import floe.model.Command;
import floe.model.Phase;
import floe.model.RetryPolicy;
import floe.model.Stage;
import floe.model.TaskCompletion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Command tasks as real processes. */
class CommandTaskTest {
    @TempDir
    Path logs;

    @TempDir
    Path work;

    private TaskCompletion run(Stage stage, int index) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs)) {
            return executor.run(index, List.of());
        }
    }

    @Test
    void logFilesAreNamedByTaskPaddedToFiveDigitsAndAttempt() {
        assertThat(CommandRunner.logName(42, 1)).isEqualTo("task-00042.attempt-1");
        assertThat(CommandRunner.logName(0, 3)).isEqualTo("task-00000.attempt-3");
        assertThat(CommandRunner.logName(123456, 12)).isEqualTo("task-123456.attempt-12");
    }

    @Test
    void argvEnvAndWorkingDirReachTheProcessAndStdoutIsTheResult() throws Exception {
        Files.writeString(work.resolve("in.txt"), "from the working dir");
        Stage stage = Stage.named("s").withSequence(3).command(ctx -> Command.of("sh", "-c", "echo \"$1 $FOO\"; cat in.txt", "sh", "task-" + ctx.index())
                .withEnv(Map.of("FOO", "bar")).withWorkingDir(work.toString())).build();

        TaskCompletion done = run(stage, 2);

        assertThat(done.outcome().result()).hasValue("task-2 bar\nfrom the working dir");
        assertThat(done.outcome().exitCode()).hasValue(0);
        assertThat(logs.resolve("wf/s/task-00002.attempt-1.out")).hasContent("task-2 bar\nfrom the working dir");
    }

    @Test
    void eachTaskKeepsWhatItPrintedAndATaskThatPrintedNothingLeavesNoLogFiles() throws Exception {
        Stage stage = Stage.named("s").withSequence(3)
                .command(ctx -> ctx.index() == 1 ? Command.of("true") : Command.of("sh", "-c", "echo out-$0; echo err-$0 >&2", "" + ctx.index()))
                .build();
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs)) {
            for (int i = 0; i < 3; i++) {
                executor.run(i, List.of());
            }
        }

        assertThat(logs.resolve("wf/s/task-00000.attempt-1.out")).hasContent("out-0");
        assertThat(logs.resolve("wf/s/task-00000.attempt-1.err")).hasContent("err-0");
        assertThat(logs.resolve("wf/s/task-00002.attempt-1.out")).hasContent("out-2");
        try (var files = Files.list(logs.resolve("wf/s"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
                    "task-00000.attempt-1.out", "task-00000.attempt-1.err", "task-00002.attempt-1.out", "task-00002.attempt-1.err");
        }
    }

    @Test
    void aCommandReadingItsStandardInputSeesItEmptyAsAContainerDoes() throws Exception {
        // An image's shell started with no args (alpine's CMD) reads its input and ends at once.
        Stage stage = Stage.named("s").command("sh").timeout(java.time.Duration.ofSeconds(30)).build();

        TaskCompletion done = run(stage, 0);

        assertThat(done.outcome().exitCode()).hasValue(0);
    }

    @Test
    void parameterValuesAreNeverInterpretedByAShell() throws Exception {
        Path marker = work.resolve("pwned");
        Stage stage = Stage.named("s").command(ctx -> Command.of("echo", "; touch " + marker)).build();

        assertThat(run(stage, 0).outcome().result()).hasValue("; touch " + marker);
        assertThat(marker).doesNotExist();
    }

    @Test
    void nonZeroExitFailsWithTheCodeAndTheLastLineOfStderr() {
        Stage stage = Stage.named("merge").retry(RetryPolicy.attempts(2))
                .command("sh", "-c", "echo starting >&2; echo 'no such file: level-1/part-00003.csv' >&2; exit 3").build();

        assertThatThrownBy(() -> run(stage, 0))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageStartingWith("stage 'merge' task 0 failed after 2 attempts: sh -c echo starting >&2;")
                .hasMessageContaining("exited with code 3: no such file: level-1/part-00003.csv (log: " + logs.resolve("wf/merge/task-00000.attempt-2.err"));
    }

    @Test
    void missingProgramIsNamedAndNotRetried() {
        Stage stage = Stage.named("process-data").retry(RetryPolicy.attempts(3)).command("no-such-program-floe", "x").build();

        assertThatThrownBy(() -> run(stage, 0))
                .hasMessageStartingWith("stage 'process-data' task 0 failed after 1 attempt: stage 'process-data': cannot run 'no-such-program-floe': Cannot run program");
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pid = work.resolve("child.pid");
        Stage stage = Stage.named("slow").timeout(Duration.ofMillis(1500))
                .command("sh", "-c", "sleep 60.4242 & echo $! > " + pid + "; wait").build();

        assertThatThrownBy(() -> run(stage, 0)).hasMessageContaining("ran longer than its timeout of 1.5s");

        // The command sees the pids of its own PID namespace: its child is found by its arguments.
        assertThat(pid).exists();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!running("sleep 60.4242").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(running("sleep 60.4242")).as("the command's child").isEmpty();
    }

    /** The processes of this machine whose command line holds {@code text}, zombies aside. */
    static List<ProcessHandle> running(String text) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .filter(p -> {
                    try {
                        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).toList();
    }

    @Test
    void anAttemptsOwnOutputFilesGoWhenItIsOverAndFilesTheCommandWasGivenStay() throws Exception {
        Path given = work.resolve("given.txt");
        Stage stage = Stage.named("out").command(ctx -> {
            Path scratch = Files.createDirectories(work.resolve(Command.OutputFile.SCRATCH_DIR_PREFIX + ctx.index()));
            Path file = Files.createFile(scratch.resolve("output-0"));
            if (ctx.index() == 1) {
                ctx.skip("when was false");
            }
            return Command.of("sh", "-c", "echo 42 > \"$1\"; echo kept > \"$2\"", "sh", file.toString(), given.toString())
                    .withOutputFiles(List.of(new Command.OutputFile("answer", file.toString(), null),
                            new Command.OutputFile("given", given.toString(), null)));
        }).withSequence(2).build();

        TaskCompletion ran = run(stage, 0);
        run(stage, 1);

        assertThat(ran.outcome().parameters()).containsExactly(entry("answer", "42"), entry("given", "kept"));
        assertThat(work.resolve(Command.OutputFile.SCRATCH_DIR_PREFIX + "0")).as("the attempt's own").doesNotExist();
        assertThat(work.resolve(Command.OutputFile.SCRATCH_DIR_PREFIX + "1")).as("a skipped attempt's own").doesNotExist();
        assertThat(given).as("given to the command").hasContent("kept");
    }

    @Test
    void aSkippedTaskNeedsNoCommand() throws Exception {
        Stage stage = Stage.named("maybe").command(ctx -> {
            ctx.skip("when was false");
            return null;
        }).build();

        assertThat(run(stage, 0).outcome().phase()).isEqualTo(Phase.SKIPPED);
    }

    @Test
    void volumesAppearAtTheirMountPathOrTheTaskSaysWhyNot() throws Exception {
        Files.writeString(work.resolve("in.txt"), "on the volume");
        String mountPath = "/tmp/floe-mount-test-" + ProcessHandle.current().pid();
        Stage stage = Stage.named("mounted").command(ctx -> Command.of("sh", "-c", "cat in.txt > out.txt")
                .withWorkingDir(mountPath).withMounts(List.of(new Command.Mount(work.toString(), mountPath)))).build();

        try {
            if (mountNamespacesWork()) {
                run(stage, 0);
                assertThat(work.resolve("out.txt")).hasContent("on the volume");
            } else {
                assertThatThrownBy(() -> run(stage, 0)).hasMessageContaining("could not mount the task's volumes");
            }
        } finally {
            // The mount point is made on the host, empty, as a container runtime would: not the test's to keep.
            Files.deleteIfExists(Path.of(mountPath));
        }
    }

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

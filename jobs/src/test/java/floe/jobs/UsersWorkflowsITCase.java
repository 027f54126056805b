package floe.jobs;


import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The users' Argo workflow (unchanged) and Batch jobs through {@code floe run}: 97 real Python processes each. */
class UsersWorkflowsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    private static final File EXAMPLE = new File("../conf/examples/process-data/process-data.yaml");
    private static final File SEED = new File("../../shared/seed/process-data.yaml");

    @TempDir
    File dir;

    @Test
    void theExampleIsTheUsersWorkflowUnchanged() throws Exception {
        if (SEED.exists()) {
            assertThat(Files.readString(EXAMPLE.toPath())).isEqualTo(Files.readString(SEED.toPath()));
        }
    }

    @Test
    void seedWorkflowRunsUnchangedAndMatchesTheNativeTreeMerge() throws Exception {
        ReferenceData data = ReferenceData.generate(dir, 100);
        File volume = data.volume();

        FloeRun run = FloeRun.of("run", EXAMPLE.getPath(), "--volume", "workdir=" + volume.getPath());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("process-data-l1          tasks=64      parallelism=64")
                .contains("merge-data               tasks=1       parallelism=1    concurrency=1    after all(process-data-l2) BROADCAST");
        assertThat(new File(volume, "level-1").list()).hasSize(64);
        assertThat(new File(volume, "level-2").list()).hasSize(32);
        assertThat(new File(volume, "result").list()).containsExactlyInAnyOrder("result.csv", "_SUCCESS");
        assertThat(data.scriptsManifest()).isEqualTo(data.nativeManifest());
    }

    @Test
    void batchJobSetRunsAndMatchesTheNativeTreeMerge() throws Exception {
        ReferenceData data = ReferenceData.generate(dir, 100);
        File volume = data.volume();

        FloeRun run = FloeRun.of("run", "../conf/examples/process-data/batch", "--volume", "workdir=" + volume.getPath());

        if (!onPath("python")) {
            // The seed's job definitions run `python`; where only python3 exists the user is told so.
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("stage 'process-data-l1': cannot run 'python'");
            return;
        }
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("process-data-l1          tasks=64      parallelism=64");
        assertThat(data.scriptsManifest()).isEqualTo(data.nativeManifest());
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> new File(dir, program).canExecute());
    }

    @Test
    void resultsOfALoopReachTheNextStepAsAJsonList() throws Exception {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/outputs/fan-in.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(logs, "fan-in/total/task-00000.attempt-1.out")).hasContent("30");
    }

    @Test
    void conditionsSkipStepsAndAFailureCanLetTheWorkflowGoOn() throws Exception {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/conditions/coinflip.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(logs, "coinflip/flip/task-00000.attempt-1.out")).hasContent("tails");
        assertThat(new File(logs, "coinflip/tails/task-00000.attempt-1.out")).hasContent("it was tails");
        assertThat(new File(logs, "coinflip/heads")).doesNotExist();
        assertThat(new File(logs, "coinflip/report/task-00000.attempt-1.out")).hasContent("may-fail ended Failed");
        assertThat(run.out()).containsPattern("heads +1 tasks .* 1 skipped").containsPattern("may-fail +1 tasks .* 1 FAILED \\(continued\\)");
    }

    @Test
    void dagConditionsRunTheRecoveryWhenATaskFails() {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/dag/on-failure.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(logs, "on-failure/recover/task-00000.attempt-1.out")).hasContent("recovered");
        assertThat(new File(logs, "on-failure/celebrate")).doesNotExist();
        assertThat(new File(logs, "on-failure/last/task-00000.attempt-1.out")).hasContent("done");
    }

    @Test
    void withParamRunsATaskPerElementOfAnEarlierStepsList() {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/outputs/with-param.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("process                  tasks=<=10000 parallelism=16").containsPattern("process +5 tasks");
        assertThat(new File(logs, "with-param/summary/task-00000.attempt-1.out"))
                .hasContent("part-00000=0;part-00001=10;part-00002=20;part-00003=30;part-00004=40");
    }

    @Test
    void outputParametersComeFromEachTasksOwnFiles() {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/outputs/parameters.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(logs, "parameters/longest/task-00000.attempt-1.out")).hasContent("5");
    }

    @Test
    void theExitHandlerRunsAfterAFailureAndKnowsIt() {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/exit-handler/exit-handler.yaml", "-p", "fail=true", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'work' task 0 failed after 1 attempt:").contains("it broke");
        assertThat(new File(logs, "exit-handler-onexit/report/task-00000.attempt-1.out")).hasContent("the workflow ended Failed");
        // workflow.failures as Argo hands it over: a quoted JSON list of the failed nodes.
        assertThat(new File(logs, "exit-handler-onexit/alert/task-00000.attempt-1.out")).content()
                .startsWith("alert: exit-handler failed; failures: \"[{\\\"displayName\\\":\\\"work\\\",\\\"message\\\":")
                .contains("it broke");
    }

    @Test
    void theExitHandlerRunsAfterASuccessToo() {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/exit-handler/exit-handler.yaml", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new File(logs, "exit-handler-onexit/report/task-00000.attempt-1.out")).hasContent("the workflow ended Succeeded");
        assertThat(new File(logs, "exit-handler-onexit/alert")).doesNotExist();
    }

    @Test
    void aVolumeWithoutADirectoryIsRefusedBeforeAnythingRunsAndLintSaysARunNeedsIt() {
        FloeRun run = FloeRun.of("run", EXAMPLE.getPath());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().trim()).isEqualTo("floe: process-data.yaml:58:11: spec.templates[1].container.volumeMounts[0]:"
                + " volume 'workdir' is a claim of the cluster: give its directory on this machine with --volume workdir=DIR");
        assertThat(run.out()).isEmpty();

        FloeRun lint = FloeRun.of("lint", EXAMPLE.getPath());
        assertThat(lint.exitCode()).isZero();
        assertThat(lint.err()).contains("floe: notice: process-data.yaml:58:11: spec.templates[1].container.volumeMounts[0]:"
                + " to run: volume 'workdir' is a claim of the cluster: give its directory on this machine with --volume workdir=DIR");
    }

    @Test
    void aFailingScriptFailsTheRunNamingStageTaskAndExitCode() throws Exception {
        File volume = new File(dir, "empty-vol");
        assertThat(volume.mkdirs()).isTrue();

        FloeRun run = FloeRun.of("run", EXAMPLE.getPath(), "--volume", "workdir=" + volume.getPath());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'process-data-l1' task ").contains("exited with code 1: process.py: /mnt/vol/level-0/part-");
    }
}

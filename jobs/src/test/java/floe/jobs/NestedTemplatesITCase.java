package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo steps and dag templates that call other steps and dag templates, loops over them, recursion,
 * exit hooks and dags that go on after a failure, through {@code floe run}.
 */
class NestedTemplatesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    File dir;

    private File log(String workflow, String stage, int task) {
        return new File(dir, "logs/" + workflow + "/" + stage + "/task-" + String.format("%05d", task) + ".attempt-1.out");
    }

    private FloeRun run(String example, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "run";
        args[1] = "../conf/examples/" + (example.contains("/") ? example : "nested/" + example);
        args[2] = "-D";
        args[3] = "floe.task.log-dir=" + new File(dir, "logs");
        System.arraycopy(more, 0, args, 4, more.length);
        return FloeRun.of(args);
    }

    @Test
    void aLoopOverAStepsTemplateRunsEachInstanceWithItsOwnInputsAndAggregatesItsOutput() {
        FloeRun run = run("loop-over-steps.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("loop-over-steps", "each.echo", 0)).hasContent("apple -> APPLE");
        assertThat(log("loop-over-steps", "each.echo", 1)).hasContent("banana -> BANANA");
        assertThat(log("loop-over-steps", "each.echo", 2)).hasContent("cherry -> CHERRY");
        assertThat(log("loop-over-steps", "all", 0)).hasContent("[\"APPLE\",\"BANANA\",\"CHERRY\"]");
    }

    @Test
    void aDagInADagGivesItsOutputAndASkippedTaskItsDefault() {
        FloeRun run = run("dag-in-dag.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("dag-in-dag", "report", 0)).hasContent("compiled core: ok / no note");
        assertThat(log("dag-in-dag", "optional", 0)).doesNotExist();
        assertThat(run.out()).containsPattern("optional +1 tasks .* 1 skipped");
    }

    @Test
    void aTemplateThatCallsItselfRunsUntilItsConditionIsFalse() {
        FloeRun run = run("countdown.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("countdown", "say", 0)).hasContent("3");
        assertThat(log("countdown", "again.say", 0)).hasContent("2");
        assertThat(log("countdown", "again.again.say", 0)).hasContent("1");
        assertThat(log("countdown", "again.again.again.say", 0)).hasContent("0");
        assertThat(log("countdown", "again.again.again.again.say", 0)).doesNotExist();
    }

    @Test
    void anExitHookRunsAfterAFailedStepWhichStillFailsTheWorkflow() {
        FloeRun run = run("hooks/exit-hooks.yaml");

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(log("exit-hooks", "work.hooks.exit", 0)).hasContent("cleanup after work: Failed");
        assertThat(log("exit-hooks", "other", 0)).hasContent("other ran");
        assertThat(run.err()).contains("1 task failed while the rest of the workflow ran on: stage 'work' task 0 failed")
                .contains("exited with code 3");
    }

    @Test
    void anExitHookAfterASuccessLeavesTheWorkflowSuccessful() {
        FloeRun run = run("hooks/exit-hooks.yaml", "-p", "code=0");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("exit-hooks", "work.hooks.exit", 0)).hasContent("cleanup after work: Succeeded");
    }

    @Test
    void theWorkflowsExitHookRunsAfterASuccessAndItsFailedHookDoesNot() {
        FloeRun run = run("hooks/workflow-hooks.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("workflow-hooks-onexit", "exit", 0)).hasContent("the workflow ended: Succeeded");
        assertThat(log("workflow-hooks-onexit", "failed", 0)).doesNotExist();
    }

    @Test
    void theWorkflowsHookOnFailureRunsBesideItsExitHookAndTheRunStillFails() {
        FloeRun run = run("hooks/workflow-hooks.yaml", "-p", "code=2");

        assertThat(run.exitCode()).as(run.out()).isNotZero();
        assertThat(log("workflow-hooks-onexit", "exit", 0)).hasContent("the workflow ended: Failed");
        assertThat(log("workflow-hooks-onexit", "failed", 0)).hasContent("paging: workflow-hooks failed");
    }

    @Test
    void theExitHandlerReadsTheWorkflowsGlobalOutputs() {
        File volumes = new File(dir, "volumes");
        FloeRun run = run("hooks/global-outputs-on-exit.yaml",
                "-D", "floe.argo.artifacts.repository=" + new File(dir, "repo").toURI(), "-D", "floe.argo.volume-dir=" + volumes);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("global-outputs-on-exit-onexit", "say", 0)).hasContent("Succeeded: 42 lines\ncounted 42 lines");
        assertThat(volumes.list()).as("the run's directory, kept outputs included, is gone").isNullOrEmpty();
    }

    @Test
    void aDagWithoutFailFastRunsWhatItCanThenFails() {
        FloeRun run = run("dag/fail-fast-off.yaml");

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(log("fail-fast-off", "slow", 0)).hasContent("slow ran");
        assertThat(log("fail-fast-off", "after-slow", 0)).hasContent("after-slow ran");
        assertThat(log("fail-fast-off", "after-breaks", 0)).doesNotExist();
        assertThat(run.err()).contains("stage 'breaks' task 0 failed").contains("exited with code 2");
    }

    @Test
    void aRunsClaimIsSharedByItsStepsThenRemovedAndSecretsReachOnlyTheProcess() throws Exception {
        File secrets = new File(dir, "api");
        secrets.mkdirs();
        java.nio.file.Files.writeString(new File(secrets, "token").toPath(), "s3cret");
        File settings = new File(dir, "settings.yaml");
        java.nio.file.Files.writeString(settings.toPath(), "greeting: hello\n");
        File volumes = new File(dir, "volumes");

        FloeRun run = run("volumes/claims-and-secrets.yaml", "--secret", "api=" + secrets, "--config-map", "settings=" + settings,
                "-D", "floe.argo.volume-dir=" + volumes);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log("claims-and-secrets", "read", 0)).content().startsWith("token ok\ngreeting: hello\n0");
        assertThat(volumes.list()).as("the run's directories are removed when it ends").isEmpty();
        assertThat(run.out() + run.err()).doesNotContain("s3cret");
    }

    @Test
    void aSecretThatIsNotGivenIsRefusedBeforeAnythingRuns() {
        FloeRun run = run("volumes/claims-and-secrets.yaml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("claims-and-secrets.yaml:").contains("the secret 'api' needs its files on this machine: --secret api=DIR");
    }

    @Test
    void recursionPastTheLimitFailsNamingIt() {
        FloeRun run = run("countdown.yaml", "-p", "from=5", "-D", "floe.argo.max-recursion-depth=3");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("template 'countdown' calls itself more than 3 levels deep (floe.argo.max-recursion-depth)");
        assertThat(log("countdown", "again.again.say", 0)).hasContent("3");
        assertThat(log("countdown", "again.again.again.say", 0)).doesNotExist();
    }
}

package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's suspend templates through {@code floe run}: a run that waits until {@code floe resume}
 * (run in this JVM, as from another shell) supplies its intermediate parameters, one that waits for
 * a duration, one suspended as a whole ({@code spec.suspend}), and one whose deadline ends the wait.
 */
class ArgoSuspendITCase {
    private static final String APPROVAL = "../conf/examples/suspend/approval.yaml";

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    Path dir;

    private String[] settings(String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("-D", "floe.task.log-dir=" + dir.resolve("logs"), "-D", "floe.argo.suspend-dir=" + dir.resolve("suspended"),
                "-D", "floe.progress=false"));
        return args.toArray(String[]::new);
    }

    private CompletableFuture<FloeRun> start(String file, String... more) {
        List<String> args = new ArrayList<>(List.of("run", file));
        args.addAll(List.of(settings(more)));
        return CompletableFuture.supplyAsync(() -> FloeRun.of(args.toArray(String[]::new)));
    }

    /** {@code floe resume} with no run, until it lists {@code node} as suspended; what it printed. */
    private String awaitSuspended(String node, CompletableFuture<FloeRun> run) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < giveUp) {
            FloeRun list = FloeRun.of(settings("resume"));
            assertThat(list.exitCode()).as(list.err()).isZero();
            if (Pattern.compile("\\s" + Pattern.quote(node) + "\\s").matcher(list.out()).find()) {
                return list.out();
            }
            assertThat(run).as("the run ended before node " + node + " suspended: " + (run.isDone() ? run.join().err() : "")).isNotDone();
            Thread.sleep(100);
        }
        throw new AssertionError("node " + node + " never suspended");
    }

    private String log(String workflow, String stage) throws IOException {
        return Files.readString(dir.resolve("logs").resolve(workflow).resolve(stage).resolve("task-00000.attempt-1.out")).strip();
    }

    private static long maxTaskMillis(String out, String stage) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(stage) + "\\s.*max\\s+(\\d+) ms").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aSuspendedStepWaitsForFloeResumeAndTheNextStepUsesTheValueSupplied() throws Exception {
        CompletableFuture<FloeRun> run = start(APPROVAL);
        String listed = awaitSuspended("approval", run);
        assertThat(listed).contains("approve (NO), approver (nobody)");
        Thread.sleep(1000);
        assertThat(run).as("still suspended").isNotDone();

        FloeRun resume = FloeRun.of(settings("resume", "approval", "--node", "approval", "-p", "approve=YES", "-p", "approver=ana"));

        assertThat(resume.exitCode()).as(resume.err()).isZero();
        assertThat(resume.out()).containsPattern("run approval-[0-9a-f]{8}: node approval resumed");
        FloeRun done = run.get(120, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(log("approval", "deploy")).isEqualTo("deployed, approved by ana");
        assertThat(maxTaskMillis(done.out(), "pause")).as("the pause of 2 s").isBetween(2000L, 10000L);
        try (Stream<Path> left = Files.walk(dir.resolve("suspended"))) {
            assertThat(left.filter(Files::isRegularFile)).as("no suspended node left").isEmpty();
        }
    }

    @Test
    void resumedWithoutValuesEachParameterTakesItsDefault() throws Exception {
        CompletableFuture<FloeRun> run = start(APPROVAL, "-p", "pause=0");
        awaitSuspended("approval", run);

        FloeRun resume = FloeRun.of(settings("resume", "approval"));

        assertThat(resume.exitCode()).as(resume.err()).isZero();
        FloeRun done = run.get(120, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.out()).containsPattern("deploy\\s.*1 skipped"); // approve took its input's default, NO
        assertThat(dir.resolve("logs/approval/deploy")).doesNotExist();
    }

    @Test
    void aParameterWithNoDefaultMustBeSuppliedAndAnUnknownOneIsRefused() throws Exception {
        Path file = dir.resolve("outputs.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: suspend-outputs
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: approve
                            template: approve
                        - - name: release
                            template: say
                            arguments:
                              parameters: [{name: message, value: "{{steps.approve.outputs.parameters.message}}"}]
                    - name: approve
                      suspend: {}
                      outputs:
                        parameters:
                          - name: message
                            valueFrom:
                              supplied: {}
                    - name: say
                      inputs:
                        parameters: [{name: message}]
                      container:
                        image: alpine
                        command: [sh, -c]
                        args: ["echo {{inputs.parameters.message}}"]
                """);
        CompletableFuture<FloeRun> run = start(file.toString());
        awaitSuspended("approve", run);

        FloeRun withoutValue = FloeRun.of(settings("resume", "suspend-outputs"));
        FloeRun unknown = FloeRun.of(settings("resume", "suspend-outputs", "-p", "mesage=hi"));
        FloeRun noSuchNode = FloeRun.of(settings("resume", "suspend-outputs", "--node", "aprove"));
        Thread.sleep(500);

        assertThat(withoutValue.exitCode()).isEqualTo(2);
        assertThat(withoutValue.err()).contains("output parameter 'message' has not been set and does not have a default value:"
                + " give -p message=VALUE");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("has no supplied output parameter 'mesage' (it has: message)");
        assertThat(noSuchNode.exitCode()).isEqualTo(2);
        assertThat(noSuchNode.err()).contains("has no such suspended node (suspended: approve)");
        assertThat(run).as("still suspended").isNotDone();

        FloeRun resume = FloeRun.of(settings("resume", "suspend-outputs", "-p", "message=Hello, world!"));
        assertThat(resume.exitCode()).as(resume.err()).isZero();
        FloeRun done = run.get(120, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(log("suspend-outputs", "release")).isEqualTo("Hello, world!");
    }

    @Test
    void aWorkflowSuspendedAtItsStartRunsNothingUntilResumed() throws Exception {
        Path file = dir.resolve("spec-suspend.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: held
                spec:
                  suspend: true
                  entrypoint: say
                  templates:
                    - name: say
                      container:
                        image: alpine
                        command: [sh, -c]
                        args: ["echo ran"]
                """);
        CompletableFuture<FloeRun> run = start(file.toString());
        awaitSuspended("workflow", run);
        assertThat(dir.resolve("logs/held/say")).as("nothing ran yet").doesNotExist();

        assertThat(FloeRun.of(settings("resume", "held")).exitCode()).isZero();

        FloeRun done = run.get(120, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(log("held", "say")).isEqualTo("ran");
    }

    @Test
    void theWorkflowsDeadlineEndsAWaitThatNobodyResumes() throws Exception {
        Path file = dir.resolve("deadline.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: forgotten
                spec:
                  activeDeadlineSeconds: 3
                  entrypoint: wait
                  templates:
                    - name: wait
                      suspend: {}
                """);
        long start = System.nanoTime();

        FloeRun done = start(file.toString()).get(120, TimeUnit.SECONDS);

        assertThat(done.exitCode()).isEqualTo(1);
        assertThat(done.err()).contains("workflow 'forgotten' ran longer than its deadline of 3s and was stopped");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isBetween(3L, 60L);
        assertThat(FloeRun.of(settings("resume")).out()).contains("no suspended nodes");
    }

    @Test
    void aFailureElsewhereEndsTheWait() throws Exception {
        Path file = dir.resolve("fail.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: doomed
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      dag:
                        tasks:
                          - name: wait
                            template: wait
                          - name: fail
                            template: fail
                    - name: wait
                      suspend: {}
                    - name: fail
                      container:
                        image: alpine
                        command: [sh, -c]
                        args: ["sleep 2; exit 3"]
                """);
        long start = System.nanoTime();

        FloeRun done = start(file.toString()).get(120, TimeUnit.SECONDS);

        assertThat(done.exitCode()).isEqualTo(1);
        assertThat(done.err()).contains("exited with code 3");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(60L);
        assertThat(FloeRun.of(settings("resume")).out()).contains("no suspended nodes");
    }
}

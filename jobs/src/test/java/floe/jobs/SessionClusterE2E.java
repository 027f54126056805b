package floe.jobs;

import floe.run.rest.FlinkRest;
import floe.testutils.TestingFlinkCluster;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Floe on a real Flink standalone session cluster (a JobManager and two TaskManager JVMs, started
 * once for the class as {@code floe cluster start} starts them): jobs submitted with {@code
 * bin/flink run}, as a user without a Flink distribution does.
 */
class SessionClusterE2E {
    @TempDir
    static Path shared;

    static TestingFlinkCluster flink;
    static String input;
    static Path embeddedOut;

    @TempDir
    Path dir;

    @BeforeAll
    static void startClusterAndMakeInputs() {
        flink = TestingFlinkCluster.start(shared.resolve("cluster"), 2, 2);
        FloeRun gen = FloeRun.of("generate", "--out", shared.resolve("data").toString(), "--files", "128", "--records", "200");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        input = shared.resolve("data/level-0").toString();
        embeddedOut = shared.resolve("embedded/out");
        FloeRun embedded = FloeRun.of("tree-merge", "--input", input, "--work", shared.resolve("embedded/work").toString(),
                "--output", embeddedOut.toString());
        assertThat(embedded.exitCode()).as(embedded.err()).isZero();
    }

    @AfterAll
    static void stopClusterAndCheckNothingIsLeft() {
        List<ProcessHandle> jvms = new ArrayList<>(flink.cluster().taskManagers());
        flink.cluster().jobManager().ifPresent(jvms::add);
        assertThat(jvms).hasSize(3);
        FloeRun stop = FloeRun.of("cluster", "stop", "--dir", flink.cluster().dir().toString());
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out().trim()).isEqualTo("stopped the session cluster in " + flink.cluster().dir());
        assertThat(jvms).noneMatch(ProcessHandle::isAlive);
        FloeRun status = FloeRun.of("cluster", "status", "--dir", flink.cluster().dir().toString());
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.out().trim()).isEqualTo("no session cluster running (" + flink.cluster().dir() + ")");
        assertThat(shared.resolve("cluster").toFile().list((d, n) -> n.endsWith(".pid"))).isEmpty();
    }

    @Test
    void clusterRunsAJobManagerAndTheTaskManagersItRegistered() {
        FlinkRest.Overview overview = FlinkRest.connect(flink.rest(), new Configuration(), Optional.empty()).overview();

        assertThat(overview.taskManagers()).isEqualTo(2);
        assertThat(overview.slotsTotal()).isEqualTo(4);
        assertThat(flink.cluster().taskManagers()).hasSize(2).allMatch(ProcessHandle::isAlive);
        assertThat(flink.cluster().taskManagers().get(0).info().commandLine().orElseThrow())
                .contains("org.apache.flink.runtime.taskexecutor.TaskManagerRunner")
                .contains("-Djdk.lang.Process.launchMechanism=VFORK")
                .contains("-Xmx");
        FloeRun status = FloeRun.of("cluster", "status", "--dir", flink.cluster().dir().toString());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("session cluster " + flink.rest()).containsPattern("registered    2 TaskManagers, \\d of 4 slots free");
        FloeRun again = FloeRun.of("cluster", "start", "--dir", flink.cluster().dir().toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().trim()).isEqualTo("floe: " + flink.cluster().dir() + ": a session cluster is already running here"
                + " (JobManager pid " + flink.cluster().jobManager().orElseThrow().pid() + ", " + flink.rest() + "); stop it first with: floe cluster stop");
    }

    @Test
    void flinkRunRunsTheTreeMergeWithTheSameResultAsTheEmbeddedFlink() throws Exception {
        Path out = dir.resolve("out");

        Run run = flinkCli("run", jobsJar(), "tree-merge", "--input", input, "--work", dir.resolve("work").toString(),
                "--output", out.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("tree-merge finished in").contains("merge-l1                      64 tasks");
        assertThat(Files.readAllBytes(out.resolve("result.avro"))).isEqualTo(Files.readAllBytes(embeddedOut.resolve("result.avro")));
        assertThat(Files.readAllBytes(out.resolve("_SUCCESS"))).isEqualTo(Files.readAllBytes(embeddedOut.resolve("_SUCCESS")));
        FloeRun verify = FloeRun.of("verify", "--input", input, "--result", out.toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
    }

    /**
     * The workflow file is read by the client only: the job carries what it needs. The first step
     * waits for a gate file; the test deletes the workflow file before opening the gate, and the
     * second step still runs its three tasks.
     */
    @Test
    void flinkRunShipsTheWorkflowWithTheJobSoTaskManagersNeverReadTheFile() throws Exception {
        Path spec = dir.resolve("gated.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: gated}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: wait
                            template: wait
                        - - name: write
                            template: write
                            arguments: {parameters: [{name: i, value: "{{item}}"}]}
                            withSequence: {count: "3"}
                    - name: wait
                      container: {image: busybox, command: [sh, -c, "while [ ! -f gate ]; do sleep 0.1; done"]}
                    - name: write
                      inputs: {parameters: [{name: i}]}
                      container: {image: busybox, command: [sh, -c, "echo task {{inputs.parameters.i}} > out-{{inputs.parameters.i}}"]}
                """);

        Run run = flinkCli("run", "-d", jobsJar(), "run", spec.toString(), "--image-dir", dir.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher id = Pattern.compile("gated submitted as job ([0-9a-f]{32})").matcher(run.output());
        assertThat(id.find()).as(run.output()).isTrue();
        Files.delete(spec);
        Files.writeString(dir.resolve("gate"), "");
        assertThat(awaitEnd(id.group(1))).isEqualTo("FINISHED");
        assertThat(Files.readString(dir.resolve("out-0"))).isEqualTo("task 0\n");
        assertThat(Files.readString(dir.resolve("out-2"))).isEqualTo("task 2\n");
    }

    @Test
    void submitRunsTheTreeMergeAndASecondSubmitReusesTheUploadedJar() throws Exception {
        Path out = dir.resolve("out");
        String[] args = {"submit", "--rest", flink.rest().toString(), "tree-merge", "--input", input,
                "--work", dir.resolve("work").toString(), "--output", out.toString(), "--overwrite"};

        FloeRun first = FloeRun.of(args);
        FloeRun second = FloeRun.of(args);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(first.out()).contains("tree-merge finished in").contains("merge-l2                      32 tasks")
                .contains("\"records\" : 25600");
        assertThat(second.out()).containsPattern("jar floe-jobs-[0-9a-f]{16}\\.jar already on " + flink.rest() + ", reused");
        List<String> jars = new ArrayList<>();
        rest().get("/jars").path("files").forEach(f -> jars.add(f.path("name").asText()));
        assertThat(jars).hasSize(1).allMatch(n -> n.matches("floe-jobs-[0-9a-f]{16}\\.jar"));
        assertThat(Files.readAllBytes(out.resolve("result.avro"))).isEqualTo(Files.readAllBytes(embeddedOut.resolve("result.avro")));
        assertThat(Files.readAllBytes(out.resolve("_SUCCESS"))).isEqualTo(Files.readAllBytes(embeddedOut.resolve("_SUCCESS")));
    }

    /**
     * An Argo workflow file travels inside the submission (the program runs in the JobManager):
     * its commands run in the file's directory, with the parameter given on the command line.
     */
    @Test
    void submitRunsAnArgoWorkflowFileItShipsWithTheJob() throws Exception {
        Path spec = dir.resolve("fan-out.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: fan-out}
                spec:
                  entrypoint: main
                  arguments: {parameters: [{name: word, value: hello}]}
                  templates:
                    - name: main
                      steps:
                        - - name: write
                            template: write
                            arguments: {parameters: [{name: i, value: "{{item}}"}]}
                            withSequence: {count: "3"}
                    - name: write
                      inputs: {parameters: [{name: i}]}
                      container: {image: busybox, command: [sh, -c, "echo {{workflow.parameters.word}} {{inputs.parameters.i}} > out-{{inputs.parameters.i}}"]}
                """);

        FloeRun run = FloeRun.of("submit", "--rest", flink.rest().toString(), spec.toString(), "-p", "word=shipped",
                "--image-dir", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("fan-out finished in").contains("write                          3 tasks");
        assertThat(Files.readString(dir.resolve("out-0"))).isEqualTo("shipped 0\n");
        assertThat(Files.readString(dir.resolve("out-2"))).isEqualTo("shipped 2\n");
    }

    /**
     * An exit handler (onExit) goes as a job of its own once the workflow's job ended, and sees
     * how it ended; the submission still fails with the workflow's own error.
     */
    @Test
    void submitRunsTheExitHandlerAfterTheWorkflowAndExitsWithTheWorkflowsOutcome() throws Exception {
        Path spec = dir.resolve("with-handler.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: with-handler}
                spec:
                  entrypoint: main
                  onExit: report
                  arguments: {parameters: [{name: code, value: "0"}]}
                  templates:
                    - name: main
                      container: {image: busybox, command: [sh, -c, "echo ran > main-ran; exit {{workflow.parameters.code}}"]}
                    - name: report
                      container: {image: busybox, command: [sh, -c, "echo {{workflow.status}} > handler-saw"]}
                """);

        FloeRun failed = FloeRun.of("submit", "--rest", flink.rest().toString(), spec.toString(), "-p", "code=3",
                "--image-dir", dir.toString());

        assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
        assertThat(failed.err()).contains("stage 'main' task 0 failed after 1 attempt").contains("exited with code 3");
        assertThat(Files.readString(dir.resolve("main-ran"))).isEqualTo("ran\n");
        assertThat(Files.readString(dir.resolve("handler-saw"))).isEqualTo("Failed\n");
        assertThat(failed.out()).as("two jobs, the handler's after the workflow's").containsSubsequence("job ", "job ", "report");

        FloeRun succeeded = FloeRun.of("submit", "--rest", flink.rest().toString(), spec.toString(), "--image-dir", dir.toString());

        assertThat(succeeded.exitCode()).as(succeeded.err()).isZero();
        assertThat(Files.readString(dir.resolve("handler-saw"))).isEqualTo("Succeeded\n");

        FloeRun detached = FloeRun.of("submit", "--rest", flink.rest().toString(), "--detach", spec.toString());

        assertThat(detached.exitCode()).isEqualTo(2);
        assertThat(detached.err()).contains("has an exit handler (onExit), which runs after the workflow ends; submit it without --detach");
    }

    @Test
    void submitOfAFailingTaskExitsOneWithTheTasksMessageAndLeavesNoResult() throws Exception {
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        for (File f : new File(input).listFiles()) {
            Files.copy(f.toPath(), bad.resolve(f.getName()));
        }
        // Cut inside a block: the header is whole (the client's checks pass), the records are not.
        byte[] whole = Files.readAllBytes(bad.resolve("part-00005.avro"));
        Files.write(bad.resolve("part-00005.avro"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Path out = dir.resolve("out");

        FloeRun run = FloeRun.of("submit", "--rest", flink.rest().toString(), "tree-merge", "--input", bad.toString(),
                "--work", dir.resolve("work").toString(), "--output", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'merge-l1' task 2 failed after 1 attempt: ")
                .contains("part-00005.avro: truncated: the last complete block ends at byte ");
        assertThat(out.resolve("result.avro")).doesNotExist();
        assertThat(out.resolve("_SUCCESS")).doesNotExist();
    }

    @Test
    void submitCancelsAWorkflowPastItsDeadlineAndExitsOne() throws Exception {
        Path spec = dir.resolve("slow.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: slow}
                spec:
                  entrypoint: sleep
                  activeDeadlineSeconds: 3
                  templates:
                    - name: sleep
                      container: {image: busybox, command: [sh, -c, "sleep 600; echo late > late"]}
                """);

        FloeRun run = FloeRun.of("submit", "--rest", flink.rest().toString(), spec.toString(), "--image-dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().trim()).isEqualTo("floe: workflow 'slow' ran longer than its deadline of 3s and was stopped");
        List<String> states = new ArrayList<>();
        rest().get("/jobs/overview").path("jobs").forEach(j -> {
            if ("slow".equals(j.path("name").asText())) {
                states.add(j.path("state").asText());
            }
        });
        assertThat(states).containsExactly("CANCELED");
        assertThat(dir.resolve("late")).doesNotExist();
    }

    @Test
    void aWrongRestAddressFailsAtOnceNamingTheAddress() {
        String nobody = "http://127.0.0.1:" + TestingFlinkCluster.freePort();

        FloeRun run = FloeRun.of("submit", "--rest", nobody, "tree-merge", "--input", input,
                "--work", dir.resolve("work").toString(), "--output", dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().trim()).isEqualTo("floe: no Flink REST API answers at " + nobody
                + " (ConnectException); is the cluster running (floe cluster status) and is the address right?");
        assertThat(dir.resolve("out/result.avro")).doesNotExist();
    }

    /** Ctrl-C (here SIGTERM) stops the client, not the job, and the client says how to stop the job. */
    @Test
    void stoppingASubmitLeavesTheJobRunningAndSaysHowToCancelIt() throws Exception {
        Path spec = waitingWorkflow("gate");
        String url = flink.rest().toString();
        Path log = dir.resolve("submit.log");
        Process submit = new ProcessBuilder(ChildJvm.floe(List.of("submit", "--rest", url, "--jar", jobsJar(), spec.toString(),
                "-D", "floe.progress=false"))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String job;
        try {
            Pattern submitted = Pattern.compile("job ([0-9a-f]{32}) submitted");
            long until = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
            Matcher id = submitted.matcher(Files.readString(log));
            while (!id.find()) {
                assertThat(submit.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("submitted").isLessThan(until);
                Thread.sleep(100);
                id = submitted.matcher(Files.readString(log));
            }
            job = id.group(1);

            submit.destroy();
            assertThat(submit.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            submit.destroyForcibly();
        }

        assertThat(Files.readString(log)).contains("floe: stopped following job " + job + "; it goes on running on " + url
                + " (stop it with: floe cancel " + job + " --rest " + url + ")");
        assertThat(FloeRun.of("status", "--rest", url, job).out()).startsWith("job " + job + "  gate  ");
        FloeRun cancel = FloeRun.of("cancel", "--rest", url, job);
        assertThat(cancel.out().trim()).as(cancel.err()).isEqualTo("job " + job + " CANCELED");
    }

    @Test
    void listStatusAndCancelFollowADetachedSubmission() throws Exception {
        Path spec = waitingWorkflow("waits");
        String url = flink.rest().toString();

        FloeRun submit = FloeRun.of("submit", "--rest", url, "--detach", spec.toString());
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        Matcher id = Pattern.compile("job ([0-9a-f]{32}) submitted").matcher(submit.out());
        assertThat(id.find()).as(submit.out()).isTrue();
        String job = id.group(1);

        assertThat(FloeRun.of("list", "--rest", url).out()).containsPattern(job + "  (RUNNING|CREATED|INITIALIZING) +.*waits");
        FloeRun status = FloeRun.of("status", "--rest", url, job);
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("job " + job + "  waits  ");
        FloeRun cancel = FloeRun.of("cancel", "--rest", url, job);
        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        assertThat(cancel.out().trim()).isEqualTo("job " + job + " CANCELED");
        assertThat(FloeRun.of("status", "--rest", url, job).exitCode()).isEqualTo(1);
        FloeRun unknown = FloeRun.of("status", "--rest", url, "0".repeat(32));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().trim()).isEqualTo("floe: JOB " + "0".repeat(32) + ": no such job on " + url + " (floe list shows its jobs)");
    }

    static FlinkRest rest() {
        return FlinkRest.connect(flink.rest(), new Configuration(), Optional.empty());
    }

    static String awaitEnd(String jobId) throws InterruptedException {
        FlinkRest rest = FlinkRest.connect(flink.rest(), new Configuration(), Optional.empty());
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < giveUp) {
            JsonNode job = rest.get("/jobs/" + jobId);
            String state = job.path("state").asText();
            if (List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                return state;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " did not end within 10 minutes");
    }

    /** A one-task workflow named {@code name} whose task waits for a file {@code gate} that never comes. */
    private Path waitingWorkflow(String name) throws java.io.IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: %s}
                spec:
                  entrypoint: wait
                  templates:
                    - name: wait
                      container: {image: busybox, command: [sh, -c, "while [ ! -f gate ]; do sleep 0.1; done"]}
                """.formatted(name));
    }

    static String jobsJar() {
        return TestingFlinkCluster.floeHome().resolve("jobs/target/floe-jobs.jar").toString();
    }

    record Run(int exitCode, String output) {}

    /** {@code bin/flink ARGS} with {@code FLINK_CONF_DIR} at the test cluster, as a user runs it. */
    Run flinkCli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TestingFlinkCluster.floeHome().resolve("bin/flink").toString()));
        cmd.addAll(List.of(args));
        File log = dir.resolve("flink-cli.out").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("FLINK_CONF_DIR", flink.confDir().toString());
        pb.environment().put("FLOE_LOG_DIR", dir.resolve("log").toString());
        int exit = pb.start().waitFor();
        return new Run(exit, Files.readString(log.toPath()));
    }
}

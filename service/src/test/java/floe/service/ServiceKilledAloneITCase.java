package floe.service;

import floe.service.testutils.ServiceProcess;
import floe.service.testutils.TestingBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDetail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's JVM alone killed with SIGKILL (as by the OOM killer: no shutdown hook runs, the
 * processes it started get no signal from whoever killed it) while a job's command runs: the
 * command does not run on beside the job's next run, and after the restart the job's command has
 * run to completion exactly once. The command appends {@code start} when it starts and {@code
 * done} when it ends to a file on its volume. Each round kills it with the processes tied to the
 * JVM (the default: they die with it); then once with {@code floe.exec.isolation=none} (they run
 * on; the next start kills them from its records). {@code -Pfaults}: 20 rounds.
 */
class ServiceKilledAloneITCase {
    /** Kept when the test fails: each round's service log says what happened. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aCommandRunsToCompletionOnceWhenTheServiceJvmAloneIsKilledDuringIt() throws Exception {
        int rounds = Integer.getInteger("floe.faults.service-kills", 1);
        for (int round = 0; round < rounds; round++) {
            killedDuringTheCommand(Files.createDirectories(dir.resolve("round-" + round + "-tied")), true, 10);
        }
        // Untied, the command must outlast the restart (JVM, embedded Flink) for the sweep to find it.
        killedDuringTheCommand(Files.createDirectories(dir.resolve("untied")), false, 45);
    }

    private void killedDuringTheCommand(Path root, boolean tied, int seconds) throws Exception {
        Path volume = Files.createDirectories(root.resolve("vol"));
        File log = root.resolve("service.log").toFile();
        List<String> jvm = tied ? List.of() : List.of("-Dfloe.exec.isolation=none");
        List<String> serve = List.of("--data", root.resolve("data").toString(), "--volume", "out=" + volume,
                "--image-dir", TestingBatch.EXAMPLES.toString());
        Path ran = volume.resolve("ran");
        String id;
        List<ProcessHandle> commands;
        try (ServiceProcess first = ServiceProcess.start(log, jvm, serve); BatchClient batch = TestingBatch.client(first.endpoint())) {
            batch.registerJobDefinition(b -> b.jobDefinitionName("slow").type(JobDefinitionType.CONTAINER)
                    .containerProperties(ContainerProperties.builder().image("busybox")
                            .command("sh", "-c", "echo start >> /mnt/out/ran; sleep " + seconds + "; echo done >> /mnt/out/ran")
                            .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                            .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
            id = batch.submitJob(b -> b.jobName("slow").jobQueue("default").jobDefinition("slow")).jobId();
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!(Files.exists(ran) && Files.readString(ran).contains("start"))) {
                assertThat(System.nanoTime()).as("the command started; see " + log).isLessThan(until);
                Thread.sleep(20);
            }
            commands = ProcessHandle.of(first.pid()).orElseThrow().descendants().toList();
            assertThat(commands).as("the command's processes").isNotEmpty();
            first.killAlone();
        }

        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (commands.stream().anyMatch(ServiceKilledAloneITCase::running) && System.nanoTime() < gone) {
            Thread.sleep(20);
        }
        if (tied) {
            assertThat(commands).as("processes the killed service left running").noneMatch(ServiceKilledAloneITCase::running);
        } else {
            assertThat(commands).as("untied, the command runs on after the service's death").anyMatch(ServiceKilledAloneITCase::running);
        }

        try (ServiceProcess next = ServiceProcess.start(log, jvm, serve); BatchClient batch = TestingBatch.client(next.endpoint())) {
            assertThat(commands).as("killed by the next start before it ran the job again").noneMatch(ServiceKilledAloneITCase::running);
            List<List<JobDetail>> polls;
            try {
                polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofMinutes(3));
            } catch (AssertionError e) {
                throw new AssertionError(root + ": job " + id + ": " + e.getMessage() + "; see " + log, e);
            }
            assertThat(polls.get(polls.size() - 1).get(0).statusAsString()).isEqualTo("SUCCEEDED");
        }
        // The killed run started and never finished; the run after the restart ran to its end.
        assertThat(Files.readAllLines(ran)).as(root.toString()).containsExactly("start", "start", "done");
    }

    /** Alive and not a zombie. */
    private static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

package floe.service;

import floe.service.testutils.MetricCsv;
import floe.service.testutils.ServiceProcess;
import floe.service.testutils.TestingBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service killed (SIGKILL, with every process it started) during level 1 of the seed's flow
 * and started again on the same data: every submitted job is still there, the job that was
 * running runs again, no job runs twice to completion, and the result is the one-pass merge of the
 * inputs. {@code -Pfaults} ({@code floe.faults.repeat}) repeats it, each round also killing the
 * service again during level 2, where the succeeded level 1 must not run again.
 */
class ServiceCrashITCase {
    @TempDir
    Path dir;

    @Test
    void killedDuringEachLevelTheFlowStillEndsWithTheRightResultAndNoJobRunsTwiceToCompletion() throws Exception {
        int repeat = Integer.getInteger("floe.faults.repeat", 1);
        for (int round = 0; round < repeat; round++) {
            runOnce(Files.createDirectories(dir.resolve("round-" + round)), repeat > 1, false);
        }
    }

    /**
     * A normal stop (SIGTERM) during level 1: the service's shutdown, the embedded Flink's and the
     * commands' run side by side, and however they interleave the running job is not failed but
     * run again at the next start.
     */
    @Test
    void stoppedDuringLevelOneTheRunningJobRunsAgainAtTheNextStart() throws Exception {
        runOnce(dir, false, true);
    }

    private void runOnce(Path root, boolean killDuringLevel2, boolean stopGently) throws Exception {
        Path volume = Files.createDirectories(root.resolve("vol"));
        Path data = root.resolve("data");
        File log = root.resolve("service.log").toFile();
        MetricCsv.generate(volume, 128, 200, 7);
        List<String> serve = List.of("--data", data.toString(), "--volume", "workdir=" + volume,
                "--image-dir", TestingBatch.EXAMPLES.toString(), "--queue", "process-data-queue");
        List<String> ids = new ArrayList<>();

        try (ServiceProcess first = ServiceProcess.start(log, serve); BatchClient batch = TestingBatch.client(first.endpoint())) {
            for (String file : List.of("job-definition-process-data.json", "job-definition-process-data-rev2.json",
                    "job-definition-merge-data.json")) {
                batch.registerJobDefinition(TestingBatch.definition(file));
            }
            ids.add(batch.submitJob(TestingBatch.job("job-process-data-l1.json")).jobId());
            ids.add(batch.submitJob(SeedFlowITCase.dependingOn(TestingBatch.job("job-process-data-l2.json"), ids.get(0))).jobId());
            ids.add(batch.submitJob(SeedFlowITCase.dependingOn(TestingBatch.job("job-merge-data.json"), ids.get(1))).jobId());
            awaitChildren(batch, ids.get(0), 4);
            if (stopGently) {
                first.close();
            } else {
                first.kill();
            }
        }
        assertThat(volume.resolve("result/_SUCCESS")).doesNotExist();

        if (killDuringLevel2) {
            try (ServiceProcess second = ServiceProcess.start(log, serve); BatchClient batch = TestingBatch.client(second.endpoint())) {
                awaitChildren(batch, ids.get(1), 2);
                second.kill();
            }
        }

        try (ServiceProcess last = ServiceProcess.start(log, serve); BatchClient batch = TestingBatch.client(last.endpoint())) {
            List<JobDetail> jobs = batch.describeJobs(b -> b.jobs(ids)).jobs();
            assertThat(jobs).extracting(JobDetail::jobName).containsExactly("process-data-l1", "process-data-l2", "merge-data");
            List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, ids, TestingBatch::ended, Duration.ofMinutes(5));
            assertThat(polls.get(polls.size() - 1)).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED", "SUCCEEDED", "SUCCEEDED");
        }

        assertThat(MetricCsv.read(volume.resolve("result/result.csv")))
                .containsExactlyElementsOf(MetricCsv.merged(volume.resolve("level-0")).entrySet());
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("floe-batch").toAbsolutePath())) {
            assertThat(runs(db, ids.get(0))).as("level 1: lost in the first stop, run again once").containsExactly("LOST", "SUCCEEDED");
            if (killDuringLevel2) {
                assertThat(runs(db, ids.get(1))).as("level 2: lost in the second stop, run again once").containsExactly("LOST", "SUCCEEDED");
            } else {
                assertThat(runs(db, ids.get(1))).as("level 2: run once").containsExactly("SUCCEEDED");
            }
            assertThat(runs(db, ids.get(2))).as("merge: run once").containsExactly("SUCCEEDED");
        }
    }

    /** Waits until the array job runs and at least {@code done} of its children have succeeded. */
    private static void awaitChildren(BatchClient batch, String id, int done) throws InterruptedException {
        Predicate<JobDetail> midway = j -> j.statusAsString().equals("RUNNING")
                && j.arrayProperties().statusSummary().getOrDefault("SUCCEEDED", 0) >= done;
        JobDetail job = TestingBatch.awaitJobs(batch, List.of(id), midway.or(TestingBatch::ended), Duration.ofMinutes(3))
                .stream().reduce((a, b) -> b).orElseThrow().get(0);
        assertThat(job.statusAsString()).as("still running when killed: " + job).isEqualTo("RUNNING");
    }

    private static List<String> runs(Connection db, String id) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT outcome FROM job_runs WHERE job_id = ? ORDER BY run")) {
            p.setString(1, id);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }
}

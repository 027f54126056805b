package floe.service;

import floe.service.testutils.JournalRecords;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Batch service killed (SIGKILL, with every process it started) while an array job runs, one
 * child ended and three still running: at the next start the job runs again from its journal, so
 * the child that had ended is not run again (its attempts are those of the run that ran it), the
 * three run once more to their end, and the job SUCCEEDED once. Every child appends a line when
 * it starts and one when it ends to a file on its volume, which counts the runs.
 */
class ServiceResumeITCase {
    @TempDir
    Path dir;

    @Test
    void anArrayJobRunningWhenTheServiceWasKilledDoesNotRunItsChildrenThatHadSucceededAgain() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("vol"));
        Path data = dir.resolve("data");
        File log = dir.resolve("service.log").toFile();
        List<String> serve = List.of("--data", data.toString(), "--volume", "out=" + volume, "--image-dir", TestingBatch.EXAMPLES.toString());
        Path runs = volume.resolve("runs");
        String id;
        try (ServiceProcess first = ServiceProcess.start(log, serve); BatchClient batch = TestingBatch.client(first.endpoint())) {
            batch.registerJobDefinition(b -> b.jobDefinitionName("staggered").type(JobDefinitionType.CONTAINER)
                    .containerProperties(ContainerProperties.builder().image("busybox")
                            .command("sh", "-c", "i=$AWS_BATCH_JOB_ARRAY_INDEX; echo start-$i >> /mnt/out/runs;"
                                    + " sleep $((1 + i * 8)); echo done-$i >> /mnt/out/runs")
                            .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                            .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
            id = batch.submitJob(b -> b.jobName("staggered").jobQueue("default").jobDefinition("staggered")
                    .arrayProperties(a -> a.size(4))).jobId();
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (journaled(data, id) < 1) {
                assertThat(System.nanoTime()).as("child 0 recorded; see " + log).isLessThan(until);
                Thread.sleep(20);
            }
            assertThat(Files.readAllLines(runs)).contains("start-0", "done-0", "start-1", "start-2", "start-3").doesNotContain("done-1");
            first.kill();
        }

        try (ServiceProcess next = ServiceProcess.start(log, serve); BatchClient batch = TestingBatch.client(next.endpoint())) {
            List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofMinutes(3));
            JobDetail job = polls.get(polls.size() - 1).get(0);
            assertThat(job.statusAsString()).isEqualTo("SUCCEEDED");
            assertThat(job.arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 4);
            JobDetail child0 = batch.describeJobs(b -> b.jobs(id + ":0")).jobs().get(0);
            assertThat(child0.statusAsString()).isEqualTo("SUCCEEDED");
            assertThat(child0.attempts()).hasSize(1);
            assertThat(child0.attempts().get(0).container().exitCode()).isZero();
        }
        List<String> lines = Files.readAllLines(runs);
        assertThat(Collections.frequency(lines, "start-0")).as("child 0 had succeeded: not run again").isEqualTo(1);
        for (int i = 1; i < 4; i++) {
            assertThat(Collections.frequency(lines, "start-" + i)).as("child %d: killed, run again", i).isEqualTo(2);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(Collections.frequency(lines, "done-" + i)).as("child %d ran to its end once", i).isEqualTo(1);
        }
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("floe-batch").toAbsolutePath())) {
            assertThat(runs(db, id)).containsExactly("LOST", "SUCCEEDED");
        }
        assertThat(data.resolve("journal/" + id)).as("the journal of a job that ended is removed").doesNotExist();
        assertThat(data.resolve("outcomes/" + id)).doesNotExist();
    }

    private static long journaled(Path data, String id) throws Exception {
        return JournalRecords.count(data.resolve("journal").resolve(id), name -> true);
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

package floe.service;

import floe.service.testutils.MetricCsv;
import floe.service.testutils.TestingBatch;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CreateJobQueueRequest;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionResponse;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's Batch flow through the official AWS SDK: register the three job definitions, submit
 * level 1, level 2 depending on level 1's id, the merge depending on level 2's id; the result is
 * the one-pass merge of the inputs.
 */
class SeedFlowITCase {
    @TempDir
    static Path dir;

    private static BatchService service;
    private static Path volume;

    @BeforeAll
    static void start() throws Exception {
        volume = Files.createDirectories(dir.resolve("vol"));
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        conf.set(BatchServiceOptions.IMAGE_DIR, TestingBatch.EXAMPLES.toString());
        service = BatchService.start(conf, Map.of("workdir", volume.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void seedJobsSubmittedOneAtATimeMergeTheInputs() throws Exception {
        MetricCsv.generate(volume, 128, 100, 42);
        try (BatchClient batch = TestingBatch.client(service.endpoint())) {
            batch.createJobQueue(CreateJobQueueRequest.builder().jobQueueName("process-data-queue").priority(1).build());
            List<String> registered = new ArrayList<>();
            for (String file : List.of("job-definition-process-data.json", "job-definition-process-data-rev2.json",
                    "job-definition-merge-data.json")) {
                RegisterJobDefinitionResponse r = batch.registerJobDefinition(TestingBatch.definition(file));
                registered.add(r.jobDefinitionName() + ":" + r.revision());
            }
            assertThat(registered).containsExactly("process-data:1", "process-data:2", "merge-data:1");

            String l1 = batch.submitJob(TestingBatch.job("job-process-data-l1.json")).jobId();
            String l2 = batch.submitJob(dependingOn(TestingBatch.job("job-process-data-l2.json"), l1)).jobId();
            String merge = batch.submitJob(dependingOn(TestingBatch.job("job-merge-data.json"), l2)).jobId();

            List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(l1, l2, merge), TestingBatch::ended, Duration.ofMinutes(5));
            List<JobDetail> last = polls.get(polls.size() - 1);
            assertThat(last).extracting(JobDetail::statusAsString).as(last.toString()).containsExactly("SUCCEEDED", "SUCCEEDED", "SUCCEEDED");
            for (int j = 0; j < 3; j++) {
                assertThat(statesSeen(polls, j)).as("states of job %d", j).isSortedAccordingTo(Enum::compareTo);
            }
            // Each level started only after the one it depends on had ended.
            assertThat(last.get(1).startedAt()).isGreaterThanOrEqualTo(last.get(0).stoppedAt());
            assertThat(last.get(2).startedAt()).isGreaterThanOrEqualTo(last.get(1).stoppedAt());
            assertThat(last.get(0).arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 64).containsEntry("FAILED", 0);
            assertThat(last.get(1).arrayProperties().size()).isEqualTo(32);
            assertThat(last.get(1).dependsOn()).extracting(JobDependency::jobId).containsExactly(l1);
            assertThat(last.get(2).container().exitCode()).isZero();

            JobDetail child = batch.describeJobs(DescribeJobsRequest.builder().jobs(l1 + ":7").build()).jobs().get(0);
            assertThat(child.jobId()).isEqualTo(l1 + ":7");
            assertThat(child.arrayProperties().index()).isEqualTo(7);
            assertThat(child.statusAsString()).isEqualTo("SUCCEEDED");

            assertThat(batch.listJobs(ListJobsRequest.builder().jobQueue("process-data-queue").jobStatus(JobStatus.SUCCEEDED).build())
                    .jobSummaryList()).extracting(s -> s.jobId()).contains(l1, l2, merge);
        }
        assertThat(volume.resolve("level-1")).isDirectoryContaining("glob:**/part-00063.csv");
        assertThat(MetricCsv.read(volume.resolve("result/result.csv")))
                .containsExactlyElementsOf(MetricCsv.merged(volume.resolve("level-0")).entrySet());
        assertThat(volume.resolve("result/_SUCCESS")).exists();
    }

    static SubmitJobRequest dependingOn(SubmitJobRequest job, String id) {
        return job.toBuilder().dependsOn(JobDependency.builder().jobId(id).build()).build();
    }

    /** The distinct states one job was seen in, in the order seen. */
    static List<floe.service.JobStatus> statesSeen(List<List<JobDetail>> polls, int job) {
        List<floe.service.JobStatus> seen = new ArrayList<>();
        for (List<JobDetail> poll : polls) {
            floe.service.JobStatus s = floe.service.JobStatus.valueOf(poll.get(job).statusAsString());
            if (seen.isEmpty() || seen.get(seen.size() - 1) != s) {
                seen.add(s);
            }
        }
        return seen;
    }
}

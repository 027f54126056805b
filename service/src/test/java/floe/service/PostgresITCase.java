package floe.service;

import floe.service.testutils.TestingBatch;
import floe.service.testutils.TestingPostgres;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service on a real PostgreSQL server: jobs run, and a restarted service finds them all. */
class PostgresITCase {
    @TempDir
    Path dir;

    private BatchService start(String url) {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DB, url);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        return BatchService.start(conf, Map.of("out", dir.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
    }

    @Test
    void jobsRunAndOutliveARestart() throws Exception {
        TestingPostgres started;
        try {
            started = TestingPostgres.start();
        } catch (java.io.IOException | IllegalStateException e) {
            org.junit.jupiter.api.Assumptions.abort("PostgreSQL could not be started on this machine, so the service was not"
                    + " tested on it: " + e.getMessage());
            return;
        }
        try (TestingPostgres postgres = started) {
            String array;
            String after;
            try (BatchService service = start(postgres.jdbcUrl()); BatchClient batch = TestingBatch.client(service.endpoint())) {
                batch.registerJobDefinition(b -> b.jobDefinitionName("touch").type(JobDefinitionType.CONTAINER)
                        .containerProperties(ContainerProperties.builder().image("busybox")
                                .command("sh", "-c", "touch /mnt/out/$NAME-${AWS_BATCH_JOB_ARRAY_INDEX:-single}")
                                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
                array = batch.submitJob(job("fan-out", "a").arrayProperties(ArrayProperties.builder().size(3).build()).build()).jobId();
                after = batch.submitJob(job("after", "b").dependsOn(JobDependency.builder().jobId(array).build()).build()).jobId();
                List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(array, after), TestingBatch::ended, Duration.ofMinutes(2));
                assertThat(polls.get(polls.size() - 1)).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED", "SUCCEEDED");
                // A second service on the same database would take this one's running jobs for lost: it is refused.
                assertThatThrownBy(() -> start(postgres.jdbcUrl())).isInstanceOf(floe.FloeException.class)
                        .hasMessageStartingWith("another Floe Batch service is using the database jdbc:postgresql:");
            }
            assertThat(dir.resolve("a-0")).exists();
            assertThat(dir.resolve("a-2")).exists();
            assertThat(dir.resolve("b-single")).exists();
            try (Listing stream = new Listing(Files.list(dir))) {
                assertThat(stream.names()).containsExactlyInAnyOrder("a-0", "a-1", "a-2", "b-single", "data");
            }

            try (BatchService service = start(postgres.jdbcUrl()); BatchClient batch = TestingBatch.client(service.endpoint())) {
                List<JobDetail> jobs = batch.describeJobs(b -> b.jobs(array, after)).jobs();
                assertThat(jobs).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED", "SUCCEEDED");
                assertThat(jobs.get(0).arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 3);
                String again = batch.submitJob(job("again", "c").dependsOn(JobDependency.builder().jobId(after).build()).build()).jobId();
                TestingBatch.awaitJobs(batch, List.of(again), j -> j.statusAsString().equals("SUCCEEDED"), Duration.ofMinutes(2));
            }
            assertThat(dir.resolve("c-single")).exists();
        }
    }

    private static SubmitJobRequest.Builder job(String name, String marker) {
        return SubmitJobRequest.builder().jobName(name).jobQueue("default").jobDefinition("touch")
                .containerOverrides(o -> o.environment(KeyValuePair.builder().name("NAME").value(marker).build()));
    }

    /** File names of a directory listing. */
    private record Listing(java.util.stream.Stream<Path> paths) implements AutoCloseable {
        List<String> names() {
            return paths.map(p -> p.getFileName().toString()).toList();
        }

        @Override
        public void close() {
            paths.close();
        }
    }
}

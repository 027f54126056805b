package floe.service;

import floe.service.testutils.TestingBatch;
import floe.service.testutils.TestingClusterFront;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDetail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --flink http://HOST:PORT}: jobs go to a Flink cluster through its REST API (here one in this JVM). */
class SessionClusterITCase {
    @TempDir
    Path dir;

    private static MiniCluster startCluster() throws Exception {
        Configuration clusterConf = new Configuration();
        clusterConf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(clusterConf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        cluster.start();
        return cluster;
    }

    private BatchService startService(MiniCluster cluster) throws Exception {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        conf.set(BatchServiceOptions.FLINK, cluster.getRestAddress().get().toString());
        return BatchService.start(conf, Map.of("out", dir.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
    }

    @Test
    void aJarToShipThatDoesNotExistStopsTheServiceFromStarting() {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        conf.set(BatchServiceOptions.FLINK, "http://127.0.0.1:8081");
        conf.set(BatchServiceOptions.FLINK_JARS, List.of(dir.resolve("no-such.jar").toString()));

        assertThatThrownBy(() -> BatchService.start(conf, Map.of(), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY))
                .isInstanceOf(floe.SpecException.class)
                .hasMessage("floe.batch.flink-jars: " + dir.resolve("no-such.jar") + ": no such file");
    }

    @Test
    void aRestartedServiceFollowsTheJobTheClusterStillRuns() throws Exception {
        MiniCluster cluster = startCluster();
        try {
            String id;
            try (BatchService service = startService(cluster); BatchClient batch = TestingBatch.client(service.endpoint())) {
                batch.registerJobDefinition(b -> b.jobDefinitionName("slow").type(JobDefinitionType.CONTAINER)
                        .containerProperties(ContainerProperties.builder().image("busybox")
                                .command("sh", "-c", "sleep 4; echo ran >> /mnt/out/ran")
                                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
                id = batch.submitJob(b -> b.jobName("slow").jobQueue("default").jobDefinition("slow")).jobId();
                TestingBatch.awaitJobs(batch, List.of(id), j -> j.statusAsString().equals("RUNNING"), Duration.ofMinutes(2));
            }
            assertThat(cluster.listJobs().get()).hasSize(1).allSatisfy(j -> assertThat(j.getJobState().isTerminalState()).isFalse());
            try (BatchService service = startService(cluster); BatchClient batch = TestingBatch.client(service.endpoint())) {
                List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofMinutes(2));
                assertThat(polls.get(polls.size() - 1).get(0).statusAsString()).isEqualTo("SUCCEEDED");
            }
            assertThat(java.nio.file.Files.readAllLines(dir.resolve("ran"))).containsExactly("ran");
            assertThat(cluster.listJobs().get()).as("followed again, not submitted again").hasSize(1);
        } finally {
            cluster.close();
        }
    }

    @Test
    void aServiceRestartedWhileTheClusterIsAwayWaitsForItAndFollowsTheJobItStillRuns() throws Exception {
        MiniCluster cluster = startCluster();
        try (TestingClusterFront front = new TestingClusterFront(cluster.getRestAddress().get().getPort(), TestingClusterFront.Mode.PASS)) {
            Configuration conf = new Configuration();
            conf.set(BatchServiceOptions.PORT, 0);
            conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
            conf.set(BatchServiceOptions.FLINK, front.address());
            String id;
            try (BatchService service = BatchService.start(conf, Map.of("out", dir.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
                    BatchClient batch = TestingBatch.client(service.endpoint())) {
                batch.registerJobDefinition(b -> b.jobDefinitionName("slow").type(JobDefinitionType.CONTAINER)
                        .containerProperties(ContainerProperties.builder().image("busybox")
                                .command("sh", "-c", "echo start >> /mnt/out/ran; sleep 15; echo done >> /mnt/out/ran")
                                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
                id = batch.submitJob(b -> b.jobName("slow").jobQueue("default").jobDefinition("slow")).jobId();
                TestingBatch.awaitJobs(batch, List.of(id), j -> j.statusAsString().equals("RUNNING"), Duration.ofMinutes(2));
            }
            // The JobManager is away while the service starts again: first nothing answers, then 503.
            front.mode(TestingClusterFront.Mode.RESET);
            java.util.concurrent.CompletableFuture<BatchService> restarted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return BatchService.start(conf, Map.of("out", dir.toString()), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            awaitAtLeast(front.resets, 2);
            front.mode(TestingClusterFront.Mode.UNAVAILABLE);
            awaitAtLeast(front.unavailable, 2);
            assertThat(restarted).as("waits for the cluster's answer").isNotDone();
            front.mode(TestingClusterFront.Mode.PASS);
            try (BatchService service = restarted.get(2, java.util.concurrent.TimeUnit.MINUTES);
                    BatchClient batch = TestingBatch.client(service.endpoint())) {
                List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofMinutes(2));
                assertThat(polls.get(polls.size() - 1).get(0).statusAsString()).isEqualTo("SUCCEEDED");
            }
            assertThat(java.nio.file.Files.readAllLines(dir.resolve("ran"))).as("ran once, to its end").containsExactly("start", "done");
            assertThat(cluster.listJobs().get()).as("followed again, not submitted again").hasSize(1);
        } finally {
            cluster.close();
        }
    }

    private static void awaitAtLeast(java.util.concurrent.atomic.AtomicInteger count, int n) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count.get() < n) {
            assertThat(System.nanoTime()).as("the service asked the cluster " + n + " times").isLessThan(until);
            Thread.sleep(50);
        }
    }

    @Test
    void jobsRunOnTheClusterAndTheirFailuresComeBack() throws Exception {
        MiniCluster cluster = startCluster();
        try {
            try (BatchService service = startService(cluster); BatchClient batch = TestingBatch.client(service.endpoint())) {
                assertThat(service.describe()).contains("Flink session cluster http://");
                batch.registerJobDefinition(b -> b.jobDefinitionName("touch").type(JobDefinitionType.CONTAINER)
                        .containerProperties(ContainerProperties.builder().image("busybox")
                                .command("sh", "-c", "touch /mnt/out/child-$AWS_BATCH_JOB_ARRAY_INDEX; exit $CODE")
                                .volumes(v -> v.name("out").host(h -> h.sourcePath("/mnt/out")))
                                .mountPoints(m -> m.sourceVolume("out").containerPath("/mnt/out")).build()));
                String ok = batch.submitJob(b -> b.jobName("ok").jobQueue("default").jobDefinition("touch")
                        .arrayProperties(ArrayProperties.builder().size(3).build())
                        .containerOverrides(o -> o.environment(e -> e.name("CODE").value("0")))).jobId();
                String failing = batch.submitJob(b -> b.jobName("failing").jobQueue("default").jobDefinition("touch")
                        .containerOverrides(o -> o.environment(e -> e.name("CODE").value("4")))).jobId();
                List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(ok, failing), TestingBatch::ended, Duration.ofMinutes(2));
                List<JobDetail> last = polls.get(polls.size() - 1);
                assertThat(last).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED", "FAILED");
                assertThat(last.get(1).container().exitCode()).isEqualTo(4);
                assertThat(dir.resolve("child-0")).exists();
                assertThat(dir.resolve("child-2")).exists();
                assertThat(cluster.listJobs().get()).hasSize(2);
            }
        } finally {
            cluster.close();
        }
    }
}

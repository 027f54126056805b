package floe.jobs.kubernetes;

import floe.jobs.FloeRun;
import floe.jobs.ReferenceData;
import floe.jobs.kubernetes.kubelet.KubeletCluster;
import floe.jobs.kubernetes.kubelet.TestingKubelet.PodEvent;
import floe.testutils.FileIdentities;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JobManager pod of an application cluster with Kubernetes high availability deleted in the
 * middle of level 2 of the reference case: the Deployment starts a new JobManager pod, which takes
 * the leadership and the job's state from the HA ConfigMaps and the storage directory (on the
 * shared claim), recovers the job (Flink's batch job recovery, which the AdaptiveBatch scheduler
 * runs) and finishes it; the result is the embedded run's byte for byte and the cluster removes
 * itself, its HA ConfigMaps too. It prints how many finished level-1 tasks ran again.
 */
class JobManagerFailoverOnPodsKube {
    /** The reference workflow's outputs of a level. */
    private static final String PART = "part-\\d+\\.csv";

    @TempDir
    Path tmp;

    @Test
    void aDeletedJobManagerPodIsReplacedAndTheJobFinishes() throws Exception {
        ReferenceData data = ReferenceData.generate(tmp.resolve("data").toFile(), 100);
        Path embedded = ApplicationOnPodsKube.copyInputs(data.volume().toPath(), tmp.resolve("embedded"));
        Path volume = data.volume().toPath();
        Map<String, String> settings = new HashMap<>(ApplicationOnPodsKube.SMALL);
        settings.put("high-availability.type", "kubernetes");
        settings.put("high-availability.storageDir", "file:///mnt/vol/flink-ha");
        settings.put("execution.batch.job-recovery.enabled", "true");
        settings.put("execution.batch.job-recovery.snapshot.min-pause", "0 ms");
        settings.put("job-event.store.write-buffer.flush-interval", "10 ms");
        settings.put("taskmanager.slot.timeout", "5 min");
        // The TaskManager that kept the finished tasks' results has no slot in use while the new
        // JobManager takes over: released as idle after SMALL's 3 s, it took the results with it
        // and level 1 ran again. conf/kubernetes/config.yaml's 60 s outlasts the takeover.
        settings.put("resourcemanager.taskmanager-timeout", "60 s");
        // Level 2 must not be over before the JobManager is deleted: one slot at a time.
        settings.put("slotmanager.number-of-slots.max", "2");

        try (KubeletCluster cluster = KubeletCluster.start(KubeletCluster.logDir("jm-failover"), volume)) {
            Instant submitted = Instant.now();
            FloeRun submit = cluster.submit("kubernetes-application", "jmfail", ApplicationOnPodsKube.WORKFLOW, settings,
                    "--volume", "workdir=/mnt/vol", "--image-dir", "/opt/floe/process-data");
            assertThat(submit.exitCode()).as(() -> submit.err() + "\n" + cluster.kubelet.problems()).isZero();

            Path level2 = volume.resolve("level-2");
            cluster.await("level 2 to be under way", Duration.ofMinutes(10), () -> ApplicationOnPodsKube.parts(level2) >= 2
                    || ApplicationOnPodsKube.jobManagerGone(cluster));
            int before = ApplicationOnPodsKube.parts(level2);
            assertThat(before).as("level 2 still running when the JobManager is deleted").isLessThan(32);
            String jobManager = cluster.kubelet.runningPods().stream().filter(p -> p.startsWith("jmfail-") && !p.contains("taskmanager"))
                    .findFirst().orElseThrow();
            Map<String, String> levelOne = FileIdentities.of(volume.resolve("level-1"), PART);
            Instant deleted = Instant.now();
            cluster.kube.client().pods().withName(jobManager).delete();

            Path success = volume.resolve("result/_SUCCESS");
            cluster.await("the result", Duration.ofMinutes(10), () -> Files.exists(success));
            Instant result = Instant.now();
            cluster.await("the cluster to remove itself", Duration.ofMinutes(3), () -> cluster.kube.objects().isEmpty()
                    && cluster.kubelet.runningPods().isEmpty());

            ApplicationOnPodsKube.assertResultIsTheEmbeddedRuns(data, embedded);
            assertThat(levelOne).as("level 1 finished before the JobManager was deleted").hasSize(64);
            // A deleted pod's JobManager stops on SIGTERM, as a kubelet stops it: it cancels its
            // tasks and gives back its slots, and the TaskManager then drops the job's results, so
            // the recovered job runs level 1 again (a JobManager killed outright keeps them:
            // JobManagerFailoverFaults). Counted for docs/kubernetes.md.
            Map<String, String> after = FileIdentities.of(volume.resolve("level-1"), PART);
            long again = levelOne.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey()))).count();

            List<PodEvent> events = cluster.kubelet.events();
            assertThat(events).as("a second JobManager pod ran: " + events).anyMatch(e -> e.component().equals("jobmanager")
                    && e.what().equals("running") && !e.pod().equals(jobManager) && e.at().isAfter(deleted));
            System.out.println(ApplicationOnPodsKube.timeline("application jmfail with Kubernetes HA (" + jobManager + " deleted at "
                    + ApplicationOnPodsKube.secondsBetween(submitted, deleted) + " s, " + before + "/32 level-2 parts written; "
                    + again + "/64 level-1 parts written again)",
                    submitted, result, Instant.now(), events));
            assertThat(cluster.kubelet.problems()).isEmpty();
            cluster.assertNoProcessLeft();
        }
    }
}

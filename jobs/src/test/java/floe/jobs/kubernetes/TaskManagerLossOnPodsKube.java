package floe.jobs.kubernetes;

import floe.jobs.FloeRun;
import floe.jobs.ReferenceData;
import floe.jobs.kubernetes.kubelet.KubeletCluster;
import floe.jobs.kubernetes.kubelet.TestingKubelet.PodEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TaskManager pod deleted in the middle of level 1 of the reference case (application mode, on
 * the test kubelet's pods): its process is killed as a kubelet kills a deleted pod's, Flink's
 * resource manager asks for a new pod, the job finishes, and the result is still the embedded
 * run's byte for byte.
 */
class TaskManagerLossOnPodsKube {
    @TempDir
    Path tmp;

    @Test
    void aTaskManagerPodDeletedDuringLevelOneIsReplacedAndTheResultIsTheSame() throws Exception {
        ReferenceData data = ReferenceData.generate(tmp.resolve("data").toFile(), 100);
        Path embedded = ApplicationOnPodsKube.copyInputs(data.volume().toPath(), tmp.resolve("embedded"));
        Path volume = data.volume().toPath();

        try (KubeletCluster cluster = KubeletCluster.start(KubeletCluster.logDir("tm-loss"), volume)) {
            Instant submitted = Instant.now();
            FloeRun submit = cluster.submit("kubernetes-application", "tmloss", ApplicationOnPodsKube.WORKFLOW,
                    ApplicationOnPodsKube.SMALL, "--volume", "workdir=/mnt/vol", "--image-dir", "/opt/floe/process-data");
            assertThat(submit.exitCode()).as(() -> submit.err() + "\n" + cluster.kubelet.problems()).isZero();

            // Level 1 under way: some of its 64 parts written, not all.
            Path level1 = volume.resolve("level-1");
            cluster.await("level 1 to be under way", Duration.ofMinutes(10), () -> ApplicationOnPodsKube.parts(level1) >= 4
                    || ApplicationOnPodsKube.jobManagerGone(cluster));
            int before = ApplicationOnPodsKube.parts(level1);
            assertThat(before).as("level 1 still running when the pod is deleted").isLessThan(64);
            String victim = cluster.kubelet.runningPods().stream().filter(p -> p.startsWith("tmloss-taskmanager-"))
                    .sorted().findFirst().orElseThrow();
            Instant deleted = Instant.now();
            cluster.kube.client().pods().withName(victim).delete();

            Path success = volume.resolve("result/_SUCCESS");
            cluster.await("the result", Duration.ofMinutes(10), () -> Files.exists(success) || ApplicationOnPodsKube.jobManagerGone(cluster));
            Instant result = Instant.now();
            cluster.await("the cluster to remove itself", Duration.ofMinutes(2), () -> cluster.kube.objects().isEmpty()
                    && cluster.kubelet.runningPods().isEmpty());
            assertThat(success).as(() -> ApplicationOnPodsKube.logs(cluster)).exists();

            ApplicationOnPodsKube.assertResultIsTheEmbeddedRuns(data, embedded);

            List<PodEvent> events = cluster.kubelet.events();
            assertThat(events).as(events.toString()).anyMatch(e -> e.pod().equals(victim) && e.what().equals("deleted"));
            assertThat(events).as("a TaskManager pod started after the deletion: " + events)
                    .anyMatch(e -> e.component().equals("taskmanager") && e.what().equals("running") && !e.pod().equals(victim)
                            && e.at().isAfter(deleted));
            System.out.println(ApplicationOnPodsKube.timeline("application tmloss (" + victim + " deleted at "
                    + ApplicationOnPodsKube.secondsBetween(submitted, deleted) + " s, " + before + "/64 level-1 parts written)",
                    submitted, result, Instant.now(), events));
            assertThat(cluster.kubelet.problems()).isEmpty();
            cluster.assertNoProcessLeft();
        }
    }
}

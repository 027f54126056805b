package floe.jobs.kubernetes;

import floe.jobs.FloeRun;
import floe.jobs.ReferenceData;
import floe.jobs.kubernetes.kubelet.KubeletCluster;
import floe.jobs.kubernetes.kubelet.TestingKubelet.PodEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference case submitted with {@code floe submit --target kubernetes-session}, on pods the
 * test kubelet runs: the first submission creates the session (a JobManager Deployment whose REST
 * Service is a NodePort), submits the job through Flink's Kubernetes session executor and follows
 * it to its end; the result is the embedded run's byte for byte; idle TaskManager pods go away
 * while the session's JobManager stays; deleting the session's Deployment removes the rest.
 */
class SessionOnPodsKube {
    @TempDir
    Path tmp;

    @Test
    void theReferenceCaseRunsOnASessionWhoseTaskManagersComeAndGo() throws Exception {
        ReferenceData data = ReferenceData.generate(tmp.resolve("data").toFile(), 100);
        Path embedded = ApplicationOnPodsKube.copyInputs(data.volume().toPath(), tmp.resolve("embedded"));
        Path volume = data.volume().toPath();
        Map<String, String> settings = new HashMap<>(ApplicationOnPodsKube.SMALL);
        // The client outside the cluster reaches the session's REST endpoint through a node port.
        settings.put("kubernetes.rest-service.exposed.type", "NodePort");

        try (KubeletCluster cluster = KubeletCluster.start(KubeletCluster.logDir("session"), volume)) {
            Instant submitted = Instant.now();
            FloeRun submit = cluster.submit("kubernetes-session", "refsession", ApplicationOnPodsKube.WORKFLOW, settings,
                    "--volume", "workdir=/mnt/vol", "--image-dir", "/opt/floe/process-data");
            Instant result = Instant.now();
            assertThat(submit.exitCode()).as(() -> submit.out() + submit.err() + "\n" + cluster.kubelet.problems() + "\n"
                    + cluster.kubelet.events() + "\n" + ApplicationOnPodsKube.logs(cluster)).isZero();
            assertThat(submit.out()).contains("session cluster 'refsession' created in namespace 'batch' (image floe:test)")
                    .contains("succeeded on session cluster 'refsession'");
            assertThat(volume.resolve("result/_SUCCESS")).exists();

            ApplicationOnPodsKube.assertResultIsTheEmbeddedRuns(data, embedded);

            // Idle TaskManagers are released (resourcemanager.taskmanager-timeout); the JobManager stays.
            cluster.await("the idle TaskManager pods to go", Duration.ofMinutes(2), () -> cluster.kubelet.runningPods().stream()
                    .noneMatch(p -> p.startsWith("refsession-taskmanager-")));
            Instant idle = Instant.now();
            assertThat(cluster.kubelet.runningPods()).singleElement().asString().startsWith("refsession-");
            List<PodEvent> events = cluster.kubelet.events();
            assertThat(events).filteredOn(e -> e.component().equals("taskmanager") && e.what().equals("running")).isNotEmpty();
            // Pods come and go with the work (an idle one is released after 3 s, and a new one asked
            // for when slots are needed again), never more at once than the slot cap allows.
            assertThat(mostAtOnce(events, "taskmanager")).as(events.toString()).isBetween(1, 2);

            // The session ends when its Deployment is deleted: its pods, ConfigMaps and Services go with it.
            cluster.kube.client().apps().deployments().withName("refsession").delete();
            cluster.await("the session to go", Duration.ofMinutes(2), () -> cluster.kube.objects().isEmpty()
                    && cluster.kubelet.runningPods().isEmpty());
            System.out.println(ApplicationOnPodsKube.timeline("session refsession (idle TaskManagers gone at "
                    + ApplicationOnPodsKube.secondsBetween(submitted, idle) + " s)", submitted, result, Instant.now(), cluster.kubelet.events()));
            assertThat(cluster.kubelet.problems()).isEmpty();
            cluster.assertNoProcessLeft();
        }
    }

    /** The most pods of {@code component} running at one time, from the kubelet's events. */
    static int mostAtOnce(List<PodEvent> events, String component) {
        java.util.Set<String> running = new java.util.HashSet<>();
        int most = 0;
        for (PodEvent e : events) {
            if (!e.component().equals(component)) {
                continue;
            }
            if (e.what().equals("running")) {
                running.add(e.pod());
            } else if (e.what().equals("deleted") || e.what().startsWith("succeeded") || e.what().startsWith("failed")) {
                running.remove(e.pod());
            }
            most = Math.max(most, running.size());
        }
        return most;
    }
}

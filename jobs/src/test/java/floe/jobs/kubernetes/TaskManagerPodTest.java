package floe.jobs.kubernetes;

import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecOptions;

import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TaskManager pods Flink's resource manager asks Kubernetes for, made by Flink's own driver
 * from the configuration the cluster got: they carry the size that fits the workflow's stages.
 */
class TaskManagerPodTest {
    @TempDir
    Path tmp;

    TestingKubernetesApi kube;

    @BeforeEach
    void startApi() {
        kube = TestingKubernetesApi.start(tmp, "batch");
    }

    @AfterEach
    void stopApi() {
        kube.close();
    }

    private String deploy(String file, String clusterId) {
        Configuration conf = KubernetesConf.load(KubernetesDeploymentTest.CONF, Map.of(
                "kubernetes.config.file", kube.kubeconfig().toString(),
                "kubernetes.cluster-id", clusterId,
                "kubernetes.namespace", kube.namespace()));
        StringWriter out = new StringWriter();
        KubernetesSubmit.submit(KubernetesTarget.APPLICATION, KubernetesJob.workflow(ShippedSpec.of(Path.of("src/test/resources/kubernetes", file), List.of(),
                SpecOptions.none().withVolumes(Map.of("workdir", "/mnt/vol")).withImageDir("/opt/flink"))),
                conf, new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void aTaskManagerPodHoldsTheLargestStage() throws Exception {
        String printed = deploy("sized.yaml", "sized");

        Container tm = main(TaskManagerPods.request(kube, "sized"));

        // Stage 'merge' asks for 3 CPU and 5 GiB (a command: its process's memory is off-heap);
        // conf/kubernetes has 2 CPU and 4096m TaskManagers, so the pod is raised to fit it.
        assertThat(tm.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("3.0"));
        long podMiB = mebibytes(tm.getResources().getRequests().get("memory"));
        // At least the stage's 5 GiB beside the configured task heap (2022 MiB of a 4096m TaskManager).
        assertThat(podMiB).isGreaterThan(5120 + 2022).isLessThan(4096 + 5120);
        assertThat(tm.getResources().getLimits().get("cpu")).isEqualTo(new Quantity("3.0"));
        assertThat(mebibytes(tm.getResources().getLimits().get("memory"))).isEqualTo(podMiB);
        // The JVM inside gets the task memory the slots are carved from.
        assertThat(String.join(" ", tm.getArgs())).contains("taskmanager.memory.task.off-heap.size=" + (5120L << 20) + "b");
        assertThat(printed).contains("TaskManager pods: 3 CPU, " + podMiB + " MiB")
                .contains("raised to fit the CPU of stage 'merge' and the memory of stage 'merge'")
                .contains("stage 'merge'                  slots of cpu=3.0, heap=64Mi, off-heap=5120Mi");
    }

    @Test
    void withoutStageResourcesTaskManagersHaveTheConfiguredSize() throws Exception {
        String printed = deploy("unsized.yaml", "unsized");

        Container tm = main(TaskManagerPods.request(kube, "unsized"));

        assertThat(tm.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("2.0"));
        assertThat(mebibytes(tm.getResources().getRequests().get("memory"))).isEqualTo(4096);
        assertThat(printed).contains("TaskManager pods: 2 CPU, 4096 MiB").doesNotContain("raised");
    }

    @Test
    void aTaskManagerPodFromTheClustersTemplateMountsTheVolumeAndTakesTheSecret() throws Exception {
        deploy("sized.yaml", "templated");

        Pod pod = TaskManagerPods.fromTemplate(kube, "templated", tmp);
        Container tm = main(pod);

        assertThat(pod.getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("workdir");
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("pvc-oss");
        });
        assertThat(tm.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("workdir");
            assertThat(m.getMountPath()).isEqualTo("/mnt/vol");
        });
        assertThat(KubernetesDeploymentTest.secretRefs(tm)).containsExactlyInAnyOrder(
                "OSS_ACCESS_KEY_ID=oss-credentials/access-key-id", "OSS_ACCESS_KEY_SECRET=oss-credentials/access-key-secret");
        // Flink's own settings win over the template's: the stage-fitting size.
        assertThat(tm.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("3.0"));
        // Not the JobManager's account: a command in a TaskManager cannot create or delete pods.
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("floe-flink-taskmanager");
    }

    static Container main(Pod pod) {
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("flink-main-container")).findFirst().orElseThrow();
    }

    static long mebibytes(Quantity q) {
        return Quantity.getAmountInBytes(q).longValue() >> 20;
    }
}

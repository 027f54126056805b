package floe.jobs.kubernetes;

import floe.testutils.TestingKubernetesApi;
import floe.testutils.TestingResourceEventHandler;

import io.fabric8.kubernetes.api.model.Pod;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.KubernetesResourceManagerDriver;
import org.apache.flink.kubernetes.KubernetesWorkerNode;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.configuration.KubernetesResourceManagerDriverConfiguration;
import org.apache.flink.kubernetes.entrypoint.KubernetesWorkerResourceSpecFactory;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClientFactory;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.resourcemanager.WorkerResourceSpec;
import org.apache.flink.util.concurrent.ScheduledExecutorServiceAdapter;

import org.apache.flink.kubernetes.kubeclient.FlinkKubeClient;
import org.apache.flink.kubernetes.kubeclient.FlinkPod;
import org.apache.flink.kubernetes.kubeclient.factory.KubernetesTaskManagerFactory;
import org.apache.flink.kubernetes.kubeclient.parameters.KubernetesTaskManagerParameters;
import org.apache.flink.kubernetes.utils.Constants;
import org.apache.flink.kubernetes.utils.KubernetesUtils;
import org.apache.flink.runtime.clusterframework.ContaineredTaskManagerParameters;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks for a TaskManager pod the way a cluster's JobManager does: its configuration read from the
 * cluster's ConfigMap, the default worker spec Flink's resource manager requests new TaskManagers
 * with, and Flink's {@link KubernetesResourceManagerDriver} creating the pod.
 */
final class TaskManagerPods {
    private TaskManagerPods() {}

    /** The JobManager's configuration of cluster {@code clusterId} (its kube client pointed at {@code kube}). */
    static Configuration clusterConfig(TestingKubernetesApi kube, String clusterId) {
        Configuration conf = ClusterConfig.of(kube.client().configMaps().withName("flink-config-" + clusterId).get());
        conf.set(KubernetesConfigOptions.KUBE_CONFIG_FILE, kube.kubeconfig().toString());
        return conf;
    }

    /** The TaskManager size the resource manager requests: Flink's default worker spec for {@code conf}. */
    static TaskExecutorProcessSpec defaultWorker(Configuration conf) {
        WorkerResourceSpec worker = KubernetesWorkerResourceSpecFactory.INSTANCE.createDefaultWorkerResourceSpec(conf);
        return TaskExecutorProcessUtils.processSpecFromWorkerResourceSpec(conf, worker);
    }

    /**
     * Builds a TaskManager pod as the driver does, but from the pod template the cluster got (the
     * driver reads it at its fixed path inside the JobManager pod), creates it and returns it.
     */
    static Pod fromTemplate(TestingKubernetesApi kube, String clusterId, Path dir) throws Exception {
        Configuration conf = clusterConfig(kube, clusterId);
        Path template = dir.resolve(Constants.TASK_MANAGER_POD_TEMPLATE_FILE_NAME);
        Files.writeString(template, kube.client().configMaps().withName(Constants.POD_TEMPLATE_CONFIG_MAP_PREFIX + clusterId)
                .get().getData().get(Constants.TASK_MANAGER_POD_TEMPLATE_FILE_NAME));
        TaskExecutorProcessSpec spec = defaultWorker(conf);
        try (FlinkKubeClient client = FlinkKubeClientFactory.getInstance().fromConfiguration(conf, "resourcemanager")) {
            FlinkPod podTemplate = KubernetesUtils.loadPodFromTemplateFile(client, template.toFile(), Constants.MAIN_CONTAINER_NAME);
            KubernetesTaskManagerParameters parameters = new KubernetesTaskManagerParameters(conf, clusterId + "-taskmanager-template-1",
                    "", ProcessMemoryUtils.generateJvmParametersStr(spec), ContaineredTaskManagerParameters.create(conf, spec),
                    Map.of(), Set.of());
            client.createTaskManagerPod(KubernetesTaskManagerFactory.buildTaskManagerKubernetesPod(podTemplate, parameters))
                    .get(60, TimeUnit.SECONDS);
        }
        return kube.client().pods().withName(clusterId + "-taskmanager-template-1").get();
    }

    /** Requests one TaskManager of the default size through the driver and returns the pod created. */
    static Pod request(TestingKubernetesApi kube, String clusterId) throws Exception {
        Configuration conf = clusterConfig(kube, clusterId);
        ScheduledExecutorService mainThread = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.ExecutorService io = Executors.newCachedThreadPool();
        KubernetesResourceManagerDriver driver = new KubernetesResourceManagerDriver(conf,
                FlinkKubeClientFactory.getInstance().fromConfiguration(conf, "resourcemanager"),
                new KubernetesResourceManagerDriverConfiguration(clusterId, null));
        TestingResourceEventHandler<KubernetesWorkerNode> handler = new TestingResourceEventHandler<>();
        try {
            driver.initialize(handler, new ScheduledExecutorServiceAdapter(mainThread), io, Set::of);
            TaskExecutorProcessSpec spec = defaultWorker(conf);
            mainThread.submit(() -> driver.requestResource(spec)).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<Pod> pods = kube.client().pods().list().getItems();
            while (pods.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                pods = kube.client().pods().list().getItems();
            }
            if (pods.size() != 1) {
                throw new AssertionError("expected one TaskManager pod, found " + pods.size() + "; driver errors: " + handler.errors);
            }
            return pods.get(0);
        } finally {
            driver.terminate();
            mainThread.shutdownNow();
            io.shutdownNow();
        }
    }
}

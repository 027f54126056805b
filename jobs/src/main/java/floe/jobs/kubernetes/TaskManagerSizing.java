package floe.jobs.kubernetes;

import floe.SpecException;
import floe.compile.StageSlots;
import floe.model.Stage;
import floe.model.Workflow;

import org.apache.flink.api.common.resources.CPUResource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Sizes the TaskManager pods Flink's resource manager asks Kubernetes for, so that every stage's
 * slot fits in one. All TaskManagers of a cluster have one size (Flink requests new ones with its
 * default worker spec); stages get slots of their own size inside them ({@link StageSlots}).
 * The configured size is kept when every stage fits, and raised, never lowered, when one does not:
 * CPU to the stage's CPU, task heap and task off-heap memory to the stage's, the other memory
 * parts as configured (the pod's memory grows by the difference plus Flink's overhead share).
 *
 * <pre>{@code
 * TaskManagerSizing sizing = TaskManagerSizing.fit(workflow, conf);
 * sizing.describe().forEach(out::println);   // "TaskManager pods: 2.0 CPU, 4096 MiB ..."
 * Configuration sized = sizing.conf();
 * }</pre>
 */
public record TaskManagerSizing(Configuration conf, TaskExecutorProcessSpec size, List<String> describe) {

    /** {@code conf} with TaskManagers large enough for the largest slot of {@code workflow}. */
    public static TaskManagerSizing fit(Workflow workflow, Configuration conf) {
        TaskExecutorProcessSpec configured = spec(conf);
        double cpu = configured.getCpuCores().getValue().doubleValue();
        long heap = configured.getTaskHeapSize().getMebiBytes();
        long offHeap = configured.getTaskOffHeapSize().getMebiBytes();
        List<String> lines = new ArrayList<>();
        String cpuStage = null;
        String memoryStage = null;
        for (Stage stage : stages(workflow)) {
            StageSlots slots = StageSlots.of(workflow, stage);
            if (slots == null) {
                continue;
            }
            lines.add(String.format("  stage %-24s slots of %s", "'" + stage.name() + "'", slots));
            if (slots.cpu() > cpu) {
                cpu = slots.cpu();
                cpuStage = stage.name();
            }
            if (slots.heapMb() > heap || slots.offHeapMb() > offHeap) {
                heap = Math.max(heap, slots.heapMb());
                offHeap = Math.max(offHeap, slots.offHeapMb());
                memoryStage = stage.name();
            }
        }
        Configuration sized = new Configuration(conf);
        if (cpuStage != null) {
            sized.removeConfig(TaskManagerOptions.CPU_CORES);
            sized.set(KubernetesConfigOptions.TASK_MANAGER_CPU, cpu);
        }
        if (memoryStage != null) {
            // Task memory set explicitly, the rest kept: Flink derives the process size from them.
            sized.removeConfig(TaskManagerOptions.TOTAL_PROCESS_MEMORY);
            sized.removeConfig(TaskManagerOptions.TOTAL_FLINK_MEMORY);
            sized.set(TaskManagerOptions.TASK_HEAP_MEMORY, MemorySize.ofMebiBytes(heap));
            sized.set(TaskManagerOptions.TASK_OFF_HEAP_MEMORY, MemorySize.ofMebiBytes(offHeap));
            sized.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, configured.getManagedMemorySize());
            sized.set(TaskManagerOptions.NETWORK_MEMORY_MIN, configured.getNetworkMemSize());
            sized.set(TaskManagerOptions.NETWORK_MEMORY_MAX, configured.getNetworkMemSize());
        }
        TaskExecutorProcessSpec size = spec(sized);
        lines.add(0, String.format("TaskManager pods: %s CPU, %d MiB (task heap %d MiB, task off-heap %d MiB), %d slots%s",
                size.getCpuCores().getValue().stripTrailingZeros().toPlainString(), size.getTotalProcessMemorySize().getMebiBytes(),
                size.getTaskHeapSize().getMebiBytes(), size.getTaskOffHeapSize().getMebiBytes(), size.getNumSlots(),
                cpuStage == null && memoryStage == null ? "" : "; raised to fit"
                        + (cpuStage != null ? " the CPU of stage '" + cpuStage + "'" : "")
                        + (cpuStage != null && memoryStage != null ? " and" : "")
                        + (memoryStage != null ? " the memory of stage '" + memoryStage + "'" : "")));
        return new TaskManagerSizing(sized, size, List.copyOf(lines));
    }

    /**
     * Checks that every sized stage of {@code workflow} fits TaskManagers of {@code size}, as a
     * running session cluster has them ({@code where} names it in the message).
     */
    public static void checkFits(Workflow workflow, TaskExecutorProcessSpec size, String where) {
        double cpu = size.getCpuCores().getValue().doubleValue();
        long heap = size.getTaskHeapSize().getMebiBytes();
        long offHeap = size.getTaskOffHeapSize().getMebiBytes();
        for (Stage stage : stages(workflow)) {
            StageSlots slots = StageSlots.of(workflow, stage);
            if (slots != null && (slots.cpu() > cpu || slots.heapMb() > heap || slots.offHeapMb() > offHeap)) {
                throw new SpecException(String.format("stage '%s' needs slots of %s, but %s has TaskManagers of %s CPU,"
                        + " task heap %d MiB, task off-heap %d MiB: stop it to have it made again for this workflow,"
                        + " or use another kubernetes.cluster-id", stage.name(), slots, where,
                        size.getCpuCores().getValue().stripTrailingZeros().toPlainString(), heap, offHeap));
            }
        }
    }

    private static List<Stage> stages(Workflow workflow) {
        List<Stage> all = new ArrayList<>(workflow.stages());
        if (workflow.onExit() != null) {
            all.addAll(workflow.onExit().stages());
        }
        return all;
    }

    /** The TaskManager size Flink's Kubernetes resource manager derives from {@code conf}. */
    static TaskExecutorProcessSpec spec(Configuration conf) {
        try {
            CPUResource cpu = TaskExecutorProcessUtils.getCpuCoresWithFallback(conf, conf.get(KubernetesConfigOptions.TASK_MANAGER_CPU));
            return TaskExecutorProcessUtils.newProcessSpecBuilder(conf).withCpuCores(cpu).build();
        } catch (IllegalConfigurationException e) {
            throw new SpecException("TaskManager size: " + e.getMessage());
        }
    }
}

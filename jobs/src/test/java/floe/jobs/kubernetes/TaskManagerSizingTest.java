package floe.jobs.kubernetes;

import floe.SpecException;
import floe.model.Command;
import floe.model.TaskFunction;
import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TaskManagers keep their configured size when every stage fits, and grow only as far as needed. */
class TaskManagerSizingTest {
    private static final TaskFunction NOTHING = ctx -> {};

    /** As conf/kubernetes/config.yaml has it. */
    private static Configuration configured() {
        Configuration conf = new Configuration();
        conf.set(KubernetesConfigOptions.TASK_MANAGER_CPU, 2.0);
        conf.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("4096m"));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ZERO);
        conf.set(TaskManagerOptions.TASK_OFF_HEAP_MEMORY, MemorySize.parse("1024m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        return conf;
    }

    private static Workflow stage(double cpu, int memoryMb, boolean command) {
        return Workflow.named("w").stage("s", s -> {
            s.withSequence(2).resources(cpu, memoryMb);
            return command ? s.command(ctx -> Command.of("true")) : s.run(NOTHING);
        }).build();
    }

    @Test
    void stagesThatFitLeaveTheConfigurationAsItIs() {
        Configuration conf = configured();
        TaskManagerSizing sizing = TaskManagerSizing.fit(stage(1.5, 900, true), conf);

        assertThat(sizing.conf().toMap()).isEqualTo(conf.toMap());
        assertThat(sizing.size().getTotalProcessMemorySize()).isEqualTo(MemorySize.parse("4096m"));
        assertThat(sizing.describe().get(0)).isEqualTo("TaskManager pods: 2 CPU, 4096 MiB (task heap 2022 MiB, task off-heap 1024 MiB), 2 slots");
    }

    @Test
    void aJavaStageLargerThanTheHeapRaisesTheHeapOnly() {
        TaskManagerSizing sizing = TaskManagerSizing.fit(stage(1, 6000, false), configured());
        TaskExecutorProcessSpec size = sizing.size();

        assertThat(size.getCpuCores().getValue().doubleValue()).isEqualTo(2.0);
        assertThat(size.getTaskHeapSize().getMebiBytes()).isEqualTo(6000);
        assertThat(size.getTaskOffHeapSize().getMebiBytes()).isEqualTo(1024);
        assertThat(size.getManagedMemorySize()).isEqualTo(MemorySize.ZERO);
        assertThat(size.getTotalProcessMemorySize().getMebiBytes()).isGreaterThan(6000 + 1024);
        assertThat(sizing.describe().get(0)).endsWith("raised to fit the memory of stage 's'");
    }

    @Test
    void aStageWithMoreCpuRaisesTheCpuEvenWhenSetAsTaskManagerCores() {
        Configuration conf = configured();
        conf.set(TaskManagerOptions.CPU_CORES, 2.0);
        TaskManagerSizing sizing = TaskManagerSizing.fit(stage(6, 0, false), conf);

        assertThat(sizing.size().getCpuCores().getValue().doubleValue()).isEqualTo(6.0);
        assertThat(sizing.size().getTotalProcessMemorySize()).isEqualTo(MemorySize.parse("4096m"));
        assertThat(sizing.describe().get(0)).endsWith("raised to fit the CPU of stage 's'");
    }

    @Test
    void aRunningSessionThatIsTooSmallIsNamed() {
        TaskExecutorProcessSpec session = TaskManagerSizing.spec(configured());
        TaskManagerSizing.checkFits(stage(2, 1024, true), session, "session cluster 'x'");

        SpecException e = assertThrows(SpecException.class,
                () -> TaskManagerSizing.checkFits(stage(2, 1025, true), session, "session cluster 'x'"));
        assertThat(e.getMessage()).startsWith("stage 's' needs slots of cpu=2.0, heap=64Mi, off-heap=1025Mi, but session cluster 'x'");
    }
}

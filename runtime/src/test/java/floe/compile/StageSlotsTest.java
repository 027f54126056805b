package floe.compile;

import floe.model.Command;
import floe.model.TaskFunction;
import floe.model.Workflow;
import floe.run.FlinkSettings;

import org.apache.flink.api.common.resources.CPUResource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stage resources as Flink slot sharing groups with resource profiles, read off the JobGraph. */
class StageSlotsTest {
    private static final TaskFunction NOTHING = ctx -> {};

    private static final Workflow SIZED = Workflow.named("sized")
            .stage("java-2cpu", s -> s.withSequence(4).resources(2, 1536).run(NOTHING))
            .stage("command-half-cpu", s -> s.withSequence(2).pointwise("java-2cpu", 2).resources(0.5, 3072)
                    .command(ctx -> Command.of("true")))
            .stage("unsized", s -> s.after("command-half-cpu").run(NOTHING))
            .build();

    private static List<JobVertex> vertices(boolean stageResources) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(new Configuration()));
        WorkflowCompiler.withMaxParallelism(128).withStageResources(stageResources).compile(SIZED, env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        return graph.getVerticesSortedTopologicallyFromSources();
    }

    @Test
    void eachSizedStageGetsSlotsOfItsOwnSizeAndTheRestDefaultSlots() {
        List<JobVertex> vertices = vertices(true);

        // Still one vertex per stage (the root stage's source stays chained) and blocking edges.
        assertThat(vertices).hasSize(3);
        assertThat(vertices.get(1).getInputs().get(0).getSource().getResultType()).isEqualTo(ResultPartitionType.BLOCKING);

        ResourceProfile java = vertices.get(0).getSlotSharingGroup().getResourceProfile();
        assertThat(java.getCpuCores()).isEqualTo(new CPUResource(2));
        assertThat(java.getTaskHeapMemory()).isEqualTo(MemorySize.ofMebiBytes(1536));
        assertThat(java.getTaskOffHeapMemory()).isEqualTo(MemorySize.ZERO);
        assertThat(java.getManagedMemory()).isEqualTo(MemorySize.ZERO);

        // A command's memory is its child process's: off-heap, beside a small heap for the operator.
        ResourceProfile command = vertices.get(1).getSlotSharingGroup().getResourceProfile();
        assertThat(command.getCpuCores()).isEqualTo(new CPUResource(0.5));
        assertThat(command.getTaskHeapMemory()).isEqualTo(MemorySize.ofMebiBytes(StageSlots.OPERATOR_HEAP_MB));
        assertThat(command.getTaskOffHeapMemory()).isEqualTo(MemorySize.ofMebiBytes(3072));

        assertThat(vertices.get(2).getSlotSharingGroup().getResourceProfile()).isEqualTo(ResourceProfile.UNKNOWN);
        assertThat(vertices.get(0).getSlotSharingGroup()).isNotSameAs(vertices.get(1).getSlotSharingGroup());
    }

    @Test
    void withoutStageResourcesEverySlotIsADefaultSlot() {
        assertThat(vertices(false)).allSatisfy(v ->
                assertThat(v.getSlotSharingGroup().getResourceProfile()).isEqualTo(ResourceProfile.UNKNOWN));
    }

    @Test
    void aStageWithMemoryOnlyGetsOneCpu() {
        Workflow wf = Workflow.named("w").stage("m", s -> s.withSequence(1).resources(0, 512).run(NOTHING)).build();
        StageSlots slots = StageSlots.of(wf, wf.stages().get(0));
        assertThat(slots.cpu()).isEqualTo(StageSlots.DEFAULT_CPU);
        assertThat(slots.heapMb()).isEqualTo(512);
    }
}

package floe.compile;

import floe.model.TaskFunction;
import floe.model.Workflow;
import floe.run.FlinkSettings;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;
import org.apache.flink.runtime.jobgraph.DistributionPattern;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the compiler hands Flink, read off the JobGraph: no cluster needed. */
class WorkflowCompilerTest {
    private static final TaskFunction NOTHING = ctx -> {};

    private static Workflow treeMerge(int files) {
        return Workflow.named("tree-merge")
                .stage("merge-l1", s -> s.withSequence(files / 2).run(NOTHING))
                .stage("merge-l2", s -> s.withSequence(files / 4).pointwise("merge-l1", 2).run(NOTHING))
                .stage("merge-result", s -> s.pointwise("merge-l2", files / 4).run(NOTHING))
                .build();
    }

    private static JobGraph jobGraph(Workflow wf, int maxParallelism) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(new Configuration()));
        WorkflowCompiler.withMaxParallelism(maxParallelism).compile(wf, env);
        return env.getStreamGraph().getJobGraph();
    }

    @Test
    void referenceCaseIsThreeOperatorsOfParallelism64And32And1WithPointwiseBlockingEdges() {
        List<JobVertex> vertices = jobGraph(treeMerge(128), 128).getVerticesSortedTopologicallyFromSources();

        assertThat(vertices).extracting(JobVertex::getParallelism).containsExactly(64, 32, 1);
        assertThat(vertices.get(0).getName()).contains("merge-l1");
        assertThat(vertices.get(1).getName()).contains("merge-l2");
        assertThat(vertices.get(2).getName()).contains("merge-result");
        for (JobVertex consumer : vertices.subList(1, 3)) {
            assertThat(consumer.getInputs()).hasSize(1);
            JobEdge edge = consumer.getInputs().get(0);
            assertThat(edge.getDistributionPattern()).isEqualTo(DistributionPattern.POINTWISE);
            assertThat(edge.getSource().getResultType()).isEqualTo(ResultPartitionType.BLOCKING);
        }
    }

    @Test
    void planNamesEdgeKinds() {
        Plan plan = WorkflowCompiler.withMaxParallelism(128).plan(treeMerge(128));
        assertThat(plan.describe()).isEqualTo("""
                workflow tree-merge
                  merge-l1                 tasks=64      parallelism=64
                  merge-l2                 tasks=32      parallelism=32   after pointwise(merge-l1, 2) POINTWISE
                  merge-result             tasks=1       parallelism=1    after pointwise(merge-l2, 32) POINTWISE
                """);
    }

    @Test
    void graphGrowsWithStagesNotTasks() {
        // 128,000 -> 64,000 tasks: 2,000 and 1,000 a subtask, blocks that line up for a pointwise edge.
        List<JobVertex> vertices = jobGraph(treeMerge(256_000), 64).getVerticesSortedTopologicallyFromSources();

        assertThat(vertices).extracting(JobVertex::getParallelism).containsExactly(64, 64, 1);
        assertThat(vertices.get(1).getInputs().get(0).getDistributionPattern()).isEqualTo(DistributionPattern.POINTWISE);
    }

    @Test
    void everyStageOperatorCarriesItsStableUid() {
        List<String> uids = jobGraph(treeMerge(16), 128).getVerticesSortedTopologicallyFromSources().stream()
                .flatMap(v -> v.getOperatorIDs().stream())
                .map(org.apache.flink.runtime.OperatorIDPair::getUserDefinedOperatorUid)
                .filter(java.util.Objects::nonNull)
                .toList();

        assertThat(uids).contains("floe/tree-merge/merge-l1", "floe/tree-merge/merge-l2", "floe/tree-merge/merge-result");
    }

    @Test
    void compilingTwiceGivesTheSameVertexIds() {
        List<JobVertexID> first = jobGraph(treeMerge(16), 128).getVerticesSortedTopologicallyFromSources()
                .stream().map(JobVertex::getID).toList();
        List<JobVertexID> second = jobGraph(treeMerge(16), 128).getVerticesSortedTopologicallyFromSources()
                .stream().map(JobVertex::getID).toList();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void allDependencyIsABlockingAllToAllEdge() {
        Workflow wf = Workflow.named("steps")
                .stage("a", s -> s.withSequence(8).run(NOTHING))
                .stage("b", s -> s.withSequence(3).after("a").run(NOTHING))
                .build();

        JobEdge edge = jobGraph(wf, 128).getVerticesSortedTopologicallyFromSources().get(1).getInputs().get(0);

        assertThat(edge.getDistributionPattern()).isEqualTo(DistributionPattern.ALL_TO_ALL);
        assertThat(edge.getSource().getResultType()).isEqualTo(ResultPartitionType.BLOCKING);
    }

    @Test
    void pointwiseThatDoesNotLineUpWithTheParallelismIsRouted() {
        Workflow wf = Workflow.named("odd")
                .stage("a", s -> s.withSequence(10).run(NOTHING))
                .stage("b", s -> s.withSequence(5).pointwise("a", 2).run(NOTHING))
                .build();

        assertThat(WorkflowCompiler.withMaxParallelism(4).plan(wf).stage("b").edges().get(0).kind()).isEqualTo(EdgeKind.ROUTED);
        assertThat(WorkflowCompiler.withMaxParallelism(5).plan(wf).stage("b").edges().get(0).kind()).isEqualTo(EdgeKind.POINTWISE);
        assertThat(jobGraph(wf, 4).getVerticesSortedTopologicallyFromSources().get(1).getInputs().get(0).getDistributionPattern())
                .isEqualTo(DistributionPattern.ALL_TO_ALL);
    }

    @Test
    void onKnownSlotsOnlyStagesWithoutPointwiseEdgesNarrow() {
        Workflow wf = Workflow.named("wide")
                .stage("many", s -> s.withSequence(10_000).run(NOTHING))
                .stage("after-all", s -> s.withSequence(500).after("many").run(NOTHING))
                .build();

        Plan onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(wf);
        Plan tree = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(treeMerge(128));

        assertThat(onTwoSlots.stage("many").parallelism()).isEqualTo(8);
        assertThat(onTwoSlots.stage("after-all").parallelism()).isEqualTo(8);
        assertThat(WorkflowCompiler.withMaxParallelism(128).plan(wf).stage("many").parallelism()).isEqualTo(128);
        assertThat(tree.describe()).isEqualTo(WorkflowCompiler.withMaxParallelism(128).plan(treeMerge(128)).describe());
    }
}

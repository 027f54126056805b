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
                  merge-l1                 tasks=64      parallelism=64   concurrency=64
                  merge-l2                 tasks=32      parallelism=32   concurrency=32   after pointwise(merge-l1, 2) POINTWISE
                  merge-result             tasks=1       parallelism=1    concurrency=1    after pointwise(merge-l2, 32) POINTWISE
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
    void onKnownSlotsStagesNarrowAndPointwiseOnesToOneSubtaskASlot() {
        Workflow wf = Workflow.named("wide")
                .stage("many", s -> s.withSequence(10_000).run(NOTHING))
                .stage("after-all", s -> s.withSequence(500).after("many").run(NOTHING))
                .build();

        Plan onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(wf);
        Plan tree = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(treeMerge(128));

        assertThat(onTwoSlots.stage("many").parallelism()).isEqualTo(8);
        assertThat(onTwoSlots.stage("after-all").parallelism()).isEqualTo(8);
        assertThat(WorkflowCompiler.withMaxParallelism(128).plan(wf).stage("many").parallelism()).isEqualTo(128);
        assertThat(tree.stages()).extracting(StagePlan::parallelism).containsExactly(2, 2, 1);
        // Each subtask runs its block of tasks one at a time; the blocks meet pointwise.
        assertThat(tree.stages()).extracting(StagePlan::concurrency).containsExactly(2, 2, 1);
        assertThat(tree.stage("merge-l2").edges()).extracting(e -> e.kind()).containsExactly(EdgeKind.POINTWISE);
        assertThat(WorkflowCompiler.withMaxParallelism(128).plan(treeMerge(128)).stages()).extracting(StagePlan::parallelism)
                .containsExactly(64, 32, 1);
    }

    private static Workflow sleeps(int tasks, int stageParallelism, int workflowParallelism) {
        return Workflow.named("fan-out").parallelism(workflowParallelism)
                .stage("sleep", s -> s.withSequence(tasks).parallelism(stageParallelism).command("sleep", "10"))
                .build();
    }

    @Test
    void commandTasksRunSeveralASubtaskOnOneSubtaskASlot() {
        StagePlan onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(sleeps(30, 0, 0)).stage("sleep");
        StagePlan onACluster = WorkflowCompiler.withMaxParallelism(128).plan(sleeps(30, 0, 0)).stage("sleep");

        assertThat(onTwoSlots).extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(2, 15, 30);
        assertThat(onACluster).extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(30, 1, 30);
        assertThat(WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(sleeps(30, 0, 0)).describe())
                .contains("sleep                    tasks=30      parallelism=2    concurrency=30");
    }

    @Test
    void aSubtaskRunsAtMostMaxConcurrentCommands() {
        WorkflowCompiler onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2);

        assertThat(onTwoSlots.plan(sleeps(10_000, 0, 0)).stage("sleep").concurrency()).isEqualTo(128);
        assertThat(onTwoSlots.withMaxConcurrentCommands(8).plan(sleeps(10_000, 0, 0)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(2, 8, 16);
    }

    @Test
    void theStagesParallelismBoundsItsConcurrencySplitEvenlyOverItsSubtasks() {
        WorkflowCompiler onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2);

        // One at a time in index order: one subtask, one task at a time (Batch SEQUENTIAL).
        assertThat(onTwoSlots.plan(sleeps(30, 1, 0)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(1, 1, 1);
        // 3 places do not split over 2 subtasks evenly (the one with 1 would finish last): one subtask runs 3.
        assertThat(onTwoSlots.plan(sleeps(30, 3, 0)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(1, 3, 3);
        assertThat(onTwoSlots.plan(sleeps(30, 4, 0)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(2, 2, 4);
        // On a cluster the subtasks are as many as the places, one task at a time each.
        assertThat(WorkflowCompiler.withMaxParallelism(128).plan(sleeps(30, 3, 0)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(3, 1, 3);
    }

    @Test
    void theWorkflowsParallelismBoundsEveryStage() {
        assertThat(WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(sleeps(30, 0, 5)).stage("sleep"))
                .extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(1, 5, 5);
        assertThat(WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(sleeps(30, 8, 6)).stage("sleep").concurrency())
                .isEqualTo(6);
    }

    @Test
    void javaTasksAndCommandsOfStagesWithResourcesRunOneAtATimeASubtask() {
        Workflow wf = Workflow.named("one-each")
                .stage("java", s -> s.withSequence(30).run(NOTHING))
                .stage("sized", s -> s.withSequence(30).resources(1.0, 2048).command("sleep", "10"))
                .build();

        Plan onTwoSlots = WorkflowCompiler.withMaxParallelism(128).forSlots(2).plan(wf);

        assertThat(onTwoSlots.stages()).extracting(StagePlan::parallelism, StagePlan::tasksPerSubtask, StagePlan::concurrency)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(8, 1, 2), org.assertj.core.groups.Tuple.tuple(8, 1, 2));
    }
}

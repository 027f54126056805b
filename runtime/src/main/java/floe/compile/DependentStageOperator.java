package floe.compile;

import floe.model.Dependency;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage with dependencies. Its edges are blocking, so Flink starts this subtask only once the
 * upstream subtasks it reads from are done (all of them for an {@code all} dependency, its own
 * few for a pointwise one); it then checks that every task it owns has every input it needs and
 * runs them in index order.
 */
final class DependentStageOperator extends AbstractStreamOperator<TaskCompletion>
        implements OneInputStreamOperator<TaskCompletion, TaskCompletion>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final StageTasks tasks;
    private final Workflow workflow;
    private final TaskBlocks blocks;
    private transient Map<String, TaskCompletion[]> received;

    DependentStageOperator(Workflow workflow, StageTasks tasks, TaskBlocks blocks) {
        this.workflow = workflow;
        this.tasks = tasks;
        this.blocks = blocks;
    }

    @Override
    public void open() throws Exception {
        super.open();
        tasks.open(getRuntimeContext());
        received = new HashMap<>();
        for (Dependency d : tasks.stage().dependencies()) {
            received.put(d.upstream(), new TaskCompletion[workflow.stage(d.upstream()).tasks()]);
        }
    }

    @Override
    public void processElement(StreamRecord<TaskCompletion> element) {
        TaskCompletion c = element.getValue();
        TaskCompletion[] byIndex = received.get(c.stage());
        if (byIndex == null || c.index() >= byIndex.length) {
            throw new IllegalStateException("stage '" + tasks.stage().name()
                    + "' received a completion it does not depend on: " + c.stage() + "[" + c.index() + "]");
        }
        byIndex[c.index()] = c;
    }

    @Override
    public void endInput() throws Exception {
        Stage stage = tasks.stage();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        if (stage.isDynamic()) {
            // Every subtask has every input (all edges are broadcasts) and works out the same count.
            int n = tasks.count(inputsOf(stage, 0));
            int used = Math.min(n, blocks.parallelism());
            if (subtask < used) {
                TaskBlocks actual = new TaskBlocks(n, used);
                for (int index = actual.first(subtask); index < actual.first(subtask + 1); index++) {
                    output.collect(new StreamRecord<>(tasks.run(index, n, inputsOf(stage, index))));
                }
            }
            return;
        }
        for (int index = blocks.first(subtask); index < blocks.first(subtask + 1); index++) {
            output.collect(new StreamRecord<>(tasks.run(index, inputsOf(stage, index))));
        }
    }

    private List<TaskCompletion> inputsOf(Stage stage, int index) {
        List<TaskCompletion> inputs = new ArrayList<>();
        for (Dependency d : stage.dependencies()) {
            TaskCompletion[] byIndex = received.get(d.upstream());
            int from = d.kind() == Dependency.Kind.ALL ? 0 : d.firstUpstream(index);
            int to = d.kind() == Dependency.Kind.ALL ? byIndex.length : d.endUpstream(index, byIndex.length);
            boolean dynamic = workflow.stage(d.upstream()).isDynamic();
            for (int t = from; t < to; t++) {
                if (byIndex[t] == null && dynamic) {
                    continue; // a stage sized at run time: its array is as long as it may be
                }
                if (byIndex[t] == null) {
                    // Never skip a task silently: a missing completion is a bug in the plan.
                    throw new IllegalStateException("stage '" + stage.name() + "' task " + index
                            + " cannot start: no completion of " + d.upstream() + " task " + t);
                }
                inputs.add(byIndex[t]);
            }
        }
        return inputs;
    }

    @Override
    public void close() throws Exception {
        tasks.close();
        super.close();
    }
}

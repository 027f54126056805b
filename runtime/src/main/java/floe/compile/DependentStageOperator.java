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
 * starts them in index order, as many at once as the plan lets a subtask run.
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
        tasks.open(getRuntimeContext(), c -> output.collect(new StreamRecord<>(c)));
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
        // What an `all` dependency hands a task is the same for every task: gather it once.
        Map<String, List<TaskCompletion>> whole = new HashMap<>();
        for (Dependency d : stage.dependencies()) {
            if (d.kind() == Dependency.Kind.ALL) {
                whole.put(d.upstream(), List.copyOf(completions(stage, d, 0, received.get(d.upstream()).length, -1)));
            }
        }
        int first = blocks.first(subtask);
        int end = blocks.first(subtask + 1);
        int n = stage.tasks();
        if (stage.isDynamic()) {
            // Every subtask has every input (all edges are broadcasts) and works out the same count.
            n = tasks.count(inputsOf(stage, 0, whole));
            int used = Math.min(n, blocks.parallelism());
            TaskBlocks actual = subtask < used ? new TaskBlocks(n, used) : null;
            first = actual == null ? 0 : actual.first(subtask);
            end = actual == null ? 0 : actual.first(subtask + 1);
        }
        for (int index = first; index < end; index++) {
            tasks.start(index, n, inputsOf(stage, index, whole));
        }
        tasks.finish();
    }

    /** Task {@code index}'s inputs in dependency order: whole upstream stages, or its own pointwise slice. */
    private List<TaskCompletion> inputsOf(Stage stage, int index, Map<String, List<TaskCompletion>> whole) {
        if (stage.dependencies().size() == 1 && whole.size() == 1) {
            return whole.values().iterator().next();
        }
        List<TaskCompletion> inputs = new ArrayList<>();
        for (Dependency d : stage.dependencies()) {
            if (d.kind() == Dependency.Kind.ALL) {
                inputs.addAll(whole.get(d.upstream()));
            } else {
                int upstreamTasks = received.get(d.upstream()).length;
                inputs.addAll(completions(stage, d, d.firstUpstream(index), d.endUpstream(index, upstreamTasks), index));
            }
        }
        return inputs;
    }

    private List<TaskCompletion> completions(Stage stage, Dependency d, int from, int to, int index) {
        TaskCompletion[] byIndex = received.get(d.upstream());
        boolean dynamic = workflow.stage(d.upstream()).isDynamic();
        List<TaskCompletion> out = new ArrayList<>(to - from);
        for (int t = from; t < to; t++) {
            if (byIndex[t] == null && dynamic) {
                continue; // a stage sized at run time: its array is as long as it may be
            }
            if (byIndex[t] == null) {
                // Never skip a task silently: a missing completion is a bug in the plan.
                throw new IllegalStateException("stage '" + stage.name() + "'" + (index < 0 ? "" : " task " + index)
                        + " cannot start: no completion of " + d.upstream() + " task " + t);
            }
            out.add(byIndex[t]);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        tasks.close();
        super.close();
    }
}

package floe.compile;

import floe.model.TaskCompletion;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;

/**
 * A stage with no dependencies, chained to its task source: each task index the source hands it
 * starts as soon as the subtask has a place for it; the input ends once every task is done.
 */
final class RootStageOperator extends AbstractStreamOperator<TaskCompletion>
        implements OneInputStreamOperator<Integer, TaskCompletion>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final StageTasks tasks;

    RootStageOperator(StageTasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public void open() throws Exception {
        super.open();
        tasks.open(getRuntimeContext(), c -> output.collect(new StreamRecord<>(c)));
    }

    @Override
    public void processElement(StreamRecord<Integer> element) throws Exception {
        tasks.start(element.getValue(), tasks.stage().tasks(), List.of());
    }

    @Override
    public void endInput() throws Exception {
        tasks.finish();
    }

    @Override
    public void close() throws Exception {
        tasks.close();
        super.close();
    }
}

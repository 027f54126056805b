package floe.compile;

import floe.model.TaskCompletion;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.List;

/** A stage with no dependencies: every task index its source hands it runs at once. */
final class RootStageFunction extends ProcessFunction<Integer, TaskCompletion> {
    private static final long serialVersionUID = 1L;

    private final StageTasks tasks;

    RootStageFunction(StageTasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public void open(OpenContext openContext) {
        tasks.open(getRuntimeContext());
    }

    @Override
    public void processElement(Integer index, Context ctx, Collector<TaskCompletion> out) throws Exception {
        out.collect(tasks.run(index, List.of()));
    }

    @Override
    public void close() {
        tasks.close();
    }
}

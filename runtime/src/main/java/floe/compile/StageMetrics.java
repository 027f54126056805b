package floe.compile;

import floe.model.TaskCompletion;

import org.apache.flink.api.common.accumulators.IntCounter;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Per-stage counters a run reports at the end (tasks, attempts, task time), kept as Flink
 * accumulators so they add up across subtasks on any cluster.
 */
final class StageMetrics {
    static final String TASKS = "floe.tasks.";
    static final String ATTEMPTS = "floe.attempts.";
    static final String MILLIS = "floe.task-millis.";
    static final String MAX_MILLIS = "floe.task-max-millis.";

    private final IntCounter tasks = new IntCounter();
    private final IntCounter attempts = new IntCounter();
    private final LongCounter millis = new LongCounter();
    private final LongMaximum maxMillis = new LongMaximum();

    StageMetrics(RuntimeContext context, String stage) {
        context.addAccumulator(TASKS + stage, tasks);
        context.addAccumulator(ATTEMPTS + stage, attempts);
        context.addAccumulator(MILLIS + stage, millis);
        context.addAccumulator(MAX_MILLIS + stage, maxMillis);
    }

    void record(TaskCompletion completion) {
        tasks.add(1);
        attempts.add(completion.attempts());
        millis.add(completion.durationMillis());
        maxMillis.add(completion.durationMillis());
    }
}

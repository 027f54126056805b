package floe.compile;

import floe.model.Phase;
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
    static final String SKIPPED = "floe.tasks-skipped.";
    static final String FAILED = "floe.tasks-failed.";
    static final String RESUMED = "floe.tasks-resumed.";

    private final IntCounter tasks = new IntCounter();
    private final IntCounter attempts = new IntCounter();
    private final LongCounter millis = new LongCounter();
    private final LongMaximum maxMillis = new LongMaximum();
    private final IntCounter skipped = new IntCounter();
    private final IntCounter failed = new IntCounter();
    private final IntCounter resumed = new IntCounter();

    StageMetrics(RuntimeContext context, String stage) {
        context.addAccumulator(TASKS + stage, tasks);
        context.addAccumulator(ATTEMPTS + stage, attempts);
        context.addAccumulator(MILLIS + stage, millis);
        context.addAccumulator(MAX_MILLIS + stage, maxMillis);
        context.addAccumulator(SKIPPED + stage, skipped);
        context.addAccumulator(FAILED + stage, failed);
        context.addAccumulator(RESUMED + stage, resumed);
    }

    /** {@code earlier}: the task succeeded in an earlier run (its journal): no attempt and no task time in this one. */
    void record(TaskCompletion completion, boolean earlier) {
        tasks.add(1);
        if (earlier) {
            resumed.add(1);
            maxMillis.add(0L);
            return;
        }
        attempts.add(completion.attempts());
        millis.add(completion.durationMillis());
        maxMillis.add(completion.durationMillis());
        Phase phase = completion.outcome().phase();
        if (phase == Phase.SKIPPED) {
            skipped.add(1);
        } else if (phase == Phase.FAILED) {
            failed.add(1);
        }
    }
}

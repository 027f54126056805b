package floe.report;

import floe.model.TaskCompletion;
import floe.model.TaskOutcome;

import java.io.Serializable;
import java.util.Objects;

/**
 * What one task of a run did, as its report shows it: phase, attempts used, first start and last
 * end (epoch millis), the exit code of its last attempt (null for a Java task or one that did not
 * run a command) and why it was skipped or failed (null otherwise).
 */
public record TaskRecord(String stage, int index, NodePhase phase, int attempts, long startMillis, long endMillis,
        Integer exitCode, String message) implements Serializable {
    /** Longest message kept: the tail of a long one is in the task's log. */
    static final int MAX_MESSAGE = 1000;

    public TaskRecord {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(phase, "phase");
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
    }

    /** The record of a task that ended with {@code completion} (succeeded, skipped, or failed in a stage that continues). */
    public static TaskRecord of(TaskCompletion completion) {
        TaskOutcome outcome = completion.outcome();
        return new TaskRecord(completion.stage(), completion.index(), NodePhase.of(outcome.phase()), completion.attempts(),
                completion.startMillis(), completion.endMillis(),
                outcome.exitCode().isPresent() ? outcome.exitCode().getAsInt() : null, outcome.message().orElse(null));
    }

    /** What the record of a task that succeeded in an earlier run says (its journal) when this run did not run it. */
    public static final String ALREADY_SUCCEEDED = "already succeeded in an earlier run";

    /** The record of a task this run took from the journal of an earlier run: its times and attempts there. */
    public static TaskRecord alreadySucceeded(TaskCompletion completion) {
        TaskRecord r = of(completion);
        return new TaskRecord(r.stage, r.index, r.phase, r.attempts, r.startMillis, r.endMillis, r.exitCode, ALREADY_SUCCEEDED);
    }

    public long durationMillis() {
        return Math.max(0, endMillis - startMillis);
    }
}

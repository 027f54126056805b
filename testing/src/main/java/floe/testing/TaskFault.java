package floe.testing;

import java.util.Objects;

/**
 * A failure a test injects into one attempt of one task: the attempt throws an
 * {@link InjectedFailureException} before the task's own work starts (for a command task, before
 * its command is worked out), and the stage's retry policy does the rest.
 *
 * <pre>{@code
 * floe.run(workflow, TaskFault.failTask("merge-l1", 3).onAttempt(1));   // task 3 succeeds on its retry
 * floe.run(workflow, TaskFault.failTask("merge-l1", 3).onEveryAttempt()); // the run fails
 * }</pre>
 */
public record TaskFault(String stage, int index, int attempt) implements java.io.Serializable {
    /** Stands for every attempt. */
    public static final int EVERY_ATTEMPT = 0;

    public TaskFault {
        Objects.requireNonNull(stage, "stage");
        if (index < 0) {
            throw new IllegalArgumentException("task index must not be negative, got " + index);
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be 1 or more (or EVERY_ATTEMPT), got " + attempt);
        }
    }

    /** Task {@code index} of {@code stage} fails on its first attempt; {@link #onAttempt} picks another. */
    public static TaskFault failTask(String stage, int index) {
        return new TaskFault(stage, index, 1);
    }

    /** The same task, failing on attempt {@code n} (1 is the first) only. */
    public TaskFault onAttempt(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("attempt must be 1 or more, got " + n);
        }
        return new TaskFault(stage, index, n);
    }

    /** The same task, failing on every attempt. */
    public TaskFault onEveryAttempt() {
        return new TaskFault(stage, index, EVERY_ATTEMPT);
    }

    boolean hits(String stage, int index, int attempt) {
        return this.stage.equals(stage) && this.index == index && (this.attempt == EVERY_ATTEMPT || this.attempt == attempt);
    }

    @Override
    public String toString() {
        return "stage '" + stage + "' task " + index + (attempt == EVERY_ATTEMPT ? " on every attempt" : " attempt " + attempt);
    }
}

package floe.model;

import java.io.Serializable;

/** Works out the command of one task from its context; shipped to the TaskManagers. */
@FunctionalInterface
public interface CommandFunction extends Serializable {
    /**
     * The command task {@code context} runs; null when there is nothing to run: the task was
     * skipped ({@link TaskContext#skip}), or its outputs are already reported (a cache had them).
     */
    Command resolve(TaskContext context) throws Exception;

    /** Called once the command of {@code context}'s attempt exited 0 and its outputs are reported. */
    default void succeeded(TaskContext context) throws Exception {}

    /**
     * Called once an attempt of {@code context} failed with {@code failure} (a non-zero exit, a
     * timeout, a command that could not start), before it is retried or the task fails.
     */
    default void failed(TaskContext context, Exception failure) throws Exception {}

    /** The command as a template, placeholders and all, for a plan to show; null when there is none to show. */
    default String describe() {
        return null;
    }
}

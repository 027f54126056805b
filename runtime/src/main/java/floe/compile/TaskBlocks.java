package floe.compile;

/**
 * How a stage's tasks are spread over its subtasks: contiguous, balanced blocks, so subtask
 * {@code s} of {@code p} runs tasks {@code first(s) .. first(s+1)-1}. Every piece of the compiled
 * job (the task source, the edges, the progress display) uses this one rule.
 */
public record TaskBlocks(int tasks, int parallelism) implements java.io.Serializable {

    public TaskBlocks {
        if (parallelism < 1 || parallelism > tasks) {
            throw new IllegalArgumentException("parallelism " + parallelism + " for " + tasks + " tasks");
        }
    }

    /** The first task of subtask {@code subtask}; {@code first(parallelism) == tasks}. */
    public int first(int subtask) {
        return (int) ((long) subtask * tasks / parallelism);
    }

    /** The subtask that runs task {@code task}. */
    public int owner(int task) {
        return (int) ((((long) task + 1) * parallelism - 1) / tasks);
    }

    /** How many tasks subtask {@code subtask} runs. */
    public int size(int subtask) {
        return first(subtask + 1) - first(subtask);
    }
}

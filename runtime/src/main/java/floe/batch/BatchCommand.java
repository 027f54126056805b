package floe.batch;

import floe.model.Command;
import floe.model.CommandFunction;
import floe.model.TaskContext;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The container command of one child of a Batch job, with the variables Batch sets for it. */
final class BatchCommand implements CommandFunction {
    private static final long serialVersionUID = 1L;

    private final String jobName;
    private final boolean array;
    private final Command command;

    BatchCommand(String jobName, boolean array, Command command) {
        this.jobName = jobName;
        this.array = array;
        this.command = command;
    }

    @Override
    public Command resolve(TaskContext ctx) {
        Map<String, String> env = new TreeMap<>(command.env());
        env.put("AWS_BATCH_JOB_ID", array ? jobName + ":" + ctx.index() : jobName);
        env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(ctx.attempt()));
        if (array) {
            env.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(ctx.index()));
            env.put("AWS_BATCH_JOB_ARRAY_SIZE", Integer.toString(ctx.tasks()));
        }
        return command.withEnv(env);
    }

    List<String> argv() {
        return command.argv();
    }

    /** The container's command, with Ref:: parameters already filled in (the same for every child). */
    @Override
    public String describe() {
        return String.join(" ", command.argv());
    }
}

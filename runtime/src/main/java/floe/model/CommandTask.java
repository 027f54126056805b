package floe.model;

import java.util.Objects;

/**
 * A task that runs a command as a real process (an Argo container or script, a Batch
 * container). The command is worked out per task from its context (index, parameters, upstream
 * outputs), so a stage of 10,000 tasks carries one function, not 10,000 command lines.
 */
public record CommandTask(CommandFunction command) implements TaskBody {
    public CommandTask {
        Objects.requireNonNull(command, "command");
    }

    /** A task that runs the same {@code command} whatever its index. */
    public static CommandTask of(Command command) {
        return new CommandTask(ctx -> command);
    }
}

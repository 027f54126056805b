package floe.model;

import java.io.Serializable;

/** Works out the command of one task from its context; shipped to the TaskManagers. */
@FunctionalInterface
public interface CommandFunction extends Serializable {
    Command resolve(TaskContext context) throws Exception;

    /** The command as a template, placeholders and all, for a plan to show; null when there is none to show. */
    default String describe() {
        return null;
    }
}

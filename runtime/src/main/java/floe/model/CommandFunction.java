package floe.model;

import java.io.Serializable;

/** Works out the command of one task from its context; shipped to the TaskManagers. */
@FunctionalInterface
public interface CommandFunction extends Serializable {
    Command resolve(TaskContext context) throws Exception;
}

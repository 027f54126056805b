package floe.exec;

import floe.SpecException;

/** A command that could not be started at all: not on the PATH, not executable, no such directory. */
public class CommandNotFoundException extends SpecException {
    private static final long serialVersionUID = 1L;

    public CommandNotFoundException(String stage, String program, String workingDir, Exception cause) {
        this(stage, null, program, workingDir, cause);
    }

    /** As above, for a command of a task other than its main one: {@code container} names it ("sidecar 'db'"). */
    public CommandNotFoundException(String stage, String container, String program, String workingDir, Exception cause) {
        super(String.format("stage '%s'%s: cannot run '%s'%s: %s", stage, container == null ? "" : ", " + container, program,
                workingDir == null ? "" : " in " + workingDir, cause.getMessage()));
    }
}

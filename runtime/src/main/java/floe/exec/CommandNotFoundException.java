package floe.exec;

import floe.SpecException;

/** A command that could not be started at all: not on the PATH, not executable, no such directory. */
public class CommandNotFoundException extends SpecException {
    private static final long serialVersionUID = 1L;

    public CommandNotFoundException(String stage, String program, String workingDir, Exception cause) {
        super(String.format("stage '%s': cannot run '%s'%s: %s", stage, program,
                workingDir == null ? "" : " in " + workingDir, cause.getMessage()));
    }
}

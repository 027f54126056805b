package floe.exec;

import floe.FloeException;

import java.util.List;

/** A command that exited with a non-zero code. */
public class CommandFailedException extends FloeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CommandFailedException(List<String> argv, int exitCode, String stderrTail, String log) {
        this(null, argv, exitCode, stderrTail, log);
    }

    /** As above, for a command of a task other than its main one: {@code container} names it ("init container 'setup'"). */
    public CommandFailedException(String container, List<String> argv, int exitCode, String stderrTail, String log) {
        super(String.format("%s%s exited with code %d%s (log: %s)", container == null ? "" : container + ": ",
                String.join(" ", argv), exitCode, stderrTail.isBlank() ? "" : ": " + lastLine(stderrTail), log));
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}

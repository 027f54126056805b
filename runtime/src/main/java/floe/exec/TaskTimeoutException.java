package floe.exec;

import floe.FloeException;

import java.time.Duration;

/** An attempt that ran past its stage's timeout and was stopped. */
public class TaskTimeoutException extends FloeException {
    private static final long serialVersionUID = 1L;

    public TaskTimeoutException(String stage, int index, int attempt, Duration timeout) {
        super(String.format("stage '%s' task %d attempt %d ran longer than its timeout of %s and was stopped",
                stage, index, attempt, timeout.toString().substring(2).toLowerCase()));
    }
}

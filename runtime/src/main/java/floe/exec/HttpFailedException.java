package floe.exec;

import floe.FloeException;

/**
 * An HTTP request whose response was judged a failure (not 2xx, or its success condition false),
 * or that got no response: the task failed as a command that exits non-zero fails, and may be retried.
 */
public class HttpFailedException extends FloeException {
    private static final long serialVersionUID = 1L;

    public HttpFailedException(String message) {
        super(message);
    }

    public HttpFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

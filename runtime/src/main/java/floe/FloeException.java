package floe;

/** Root of every error Floe reports to a user; code branches on the subclass, never on the text. */
public class FloeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FloeException(String message) {
        super(message);
    }

    public FloeException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether trying the same work again may succeed. Bad input (a spec, a data file, a command
     * that does not exist) fails the same way every time, so a task that hits it is not retried.
     */
    public boolean retryable() {
        return true;
    }
}

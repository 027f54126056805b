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
}

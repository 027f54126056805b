package floe;

/** A task that failed on every attempt its retry policy allowed. */
public class TaskFailedException extends FloeException {
    private static final long serialVersionUID = 1L;

    private final String stage;
    private final int index;
    private final int attempts;

    public TaskFailedException(String stage, int index, int attempts, Throwable cause) {
        super(String.format("stage '%s' task %d failed after %d attempt%s: %s",
                stage, index, attempts, attempts == 1 ? "" : "s", describe(cause)), cause);
        this.stage = stage;
        this.index = index;
        this.attempts = attempts;
    }

    public String stage() {
        return stage;
    }

    public int index() {
        return index;
    }

    public int attempts() {
        return attempts;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        if (cause instanceof FloeException && message != null) {
            return message;
        }
        return message == null ? cause.getClass().getName() : cause.getClass().getSimpleName() + ": " + message;
    }
}

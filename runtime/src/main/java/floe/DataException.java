package floe;

/** Data that breaks the rules a task relies on: a corrupt file, another schema, unsorted keys. */
public class DataException extends FloeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}

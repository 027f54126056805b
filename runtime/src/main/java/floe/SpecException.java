package floe;

/** A workflow or command line that cannot run as written; the message names the field and value. */
public class SpecException extends FloeException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}

package floe.connectors.avro;

import floe.DataException;

/**
 * A file that cannot be read as the records asked for: missing, not Avro, or of another schema
 * (found on opening it, before any record). A job whose inputs are checked by its tasks, not by
 * its client, reports this as the client would have: the file and what is wrong, as bad input.
 */
public class UnreadableInputException extends DataException {
    private static final long serialVersionUID = 1L;

    public UnreadableInputException(String message) {
        super(message);
    }

    public UnreadableInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

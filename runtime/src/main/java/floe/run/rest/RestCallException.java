package floe.run.rest;

import floe.FloeException;

import java.util.List;

/** The cluster answered a REST call with an error status; {@code errors} is what it said. */
public final class RestCallException extends FloeException {
    private final int status;
    private final List<String> errors;

    public RestCallException(int status, String call, List<String> errors) {
        super(call + ": HTTP " + status + (errors.isEmpty() ? "" : ": " + firstLine(errors.get(0))));
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public List<String> errors() {
        return errors;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

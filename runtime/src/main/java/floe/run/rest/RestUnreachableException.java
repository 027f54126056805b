package floe.run.rest;

import floe.FloeException;

import java.net.URI;

/** Nothing answers at a REST address: no cluster there, a wrong port, or a network in between. */
public final class RestUnreachableException extends FloeException {
    public RestUnreachableException(URI address, Throwable cause) {
        super("no Flink REST API answers at " + address + " (" + describe(cause)
                + "); is the cluster running (floe cluster status) and is the address right?", cause);
    }

    private static String describe(Throwable cause) {
        String m = cause.getMessage();
        return cause.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}

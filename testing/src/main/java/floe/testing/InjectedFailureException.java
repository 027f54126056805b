package floe.testing;

import floe.FloeException;

/** What an attempt hit by a {@link TaskFault} throws; retried as any failure is. */
public final class InjectedFailureException extends FloeException {
    private static final long serialVersionUID = 1L;

    InjectedFailureException(String stage, int index, int attempt) {
        super("injected failure: stage '" + stage + "' task " + index + " attempt " + attempt);
    }
}

package floe.argo;

import floe.SpecException;
import floe.model.RetryCondition;

/**
 * Argo's {@code retryStrategy.retryPolicy} in local terms: a command that exited non-zero or ran past
 * its deadline has failed ({@code OnFailure}, Argo's default); one that could not run to an exit code
 * (stopped, not started) has hit an error ({@code OnError}, {@code OnTransientError}); {@code Always}
 * retries both.
 */
enum ArgoRetryPolicy implements RetryCondition {
    ALWAYS("Always"),
    ON_FAILURE("OnFailure"),
    ON_ERROR("OnError"),
    ON_TRANSIENT_ERROR("OnTransientError");

    private final String argoName;

    ArgoRetryPolicy(String argoName) {
        this.argoName = argoName;
    }

    static ArgoRetryPolicy named(String name, String where) {
        for (ArgoRetryPolicy p : values()) {
            if (p.argoName.equals(name)) {
                return p;
            }
        }
        throw new SpecException(where + ": '" + name + "' is not Always, OnFailure, OnError or OnTransientError");
    }

    @Override
    public boolean retry(int exitCode, String message, boolean timedOut) {
        boolean failed = exitCode > 0 || timedOut;
        return switch (this) {
            case ALWAYS -> true;
            case ON_FAILURE -> failed;
            case ON_ERROR, ON_TRANSIENT_ERROR -> !failed;
        };
    }
}

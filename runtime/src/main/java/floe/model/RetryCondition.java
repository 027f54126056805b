package floe.model;

import java.io.Serializable;

/**
 * Which failed attempts may be tried again (Argo {@code retryPolicy}, Batch {@code evaluateOnExit}).
 * {@code exitCode} is the command's exit code, or -1 when there is none (a Java task, a process that
 * could not start or was stopped); {@code message} says what happened; {@code timedOut} whether the
 * attempt failed with no exit code of its own: it ran past its timeout, or the response to its HTTP
 * request was judged a failure.
 */
@FunctionalInterface
public interface RetryCondition extends Serializable {
    boolean retry(int exitCode, String message, boolean timedOut);

    /** As above, knowing how long the failed attempt ran (Argo's {@code lastRetry.duration}). */
    default boolean retry(int exitCode, String message, boolean timedOut, java.time.Duration duration) {
        return retry(exitCode, message, timedOut);
    }

    /** Every failure may be retried. */
    static RetryCondition always() {
        return (exitCode, message, timedOut) -> true;
    }
}

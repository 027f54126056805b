package floe.argo;

import floe.expr.Templates;
import floe.model.RetryCondition;

import java.util.Map;

/**
 * Argo's {@code retryStrategy.expression}: after a failed attempt, retry only if the expression
 * holds, over {@code lastRetry.exitCode}, {@code lastRetry.status} ({@code Failed}: the command
 * exited non-zero or ran out of time; {@code Error}: it could not run to an exit code) and
 * {@code lastRetry.message} and {@code lastRetry.duration} (how long the attempt ran, in whole
 * seconds); and only if the retry policy allows it too.
 */
final class ArgoRetryExpression implements RetryCondition {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final String where;
    private final RetryCondition policy;

    ArgoRetryExpression(String expression, String where, RetryCondition policy) {
        this.expression = expression;
        this.where = where;
        this.policy = policy;
    }

    /** Checks the expression evaluates to true or false, as it will after a failure. */
    void check() {
        test(1, "", false, java.time.Duration.ZERO);
    }

    @Override
    public boolean retry(int exitCode, String message, boolean timedOut) {
        return retry(exitCode, message, timedOut, java.time.Duration.ZERO);
    }

    @Override
    public boolean retry(int exitCode, String message, boolean timedOut, java.time.Duration duration) {
        return policy.retry(exitCode, message, timedOut) && test(exitCode, message, timedOut, duration);
    }

    private boolean test(int exitCode, String message, boolean timedOut, java.time.Duration duration) {
        boolean failed = exitCode > 0 || timedOut;
        return Templates.test(expression, Map.of(
                "lastRetry.exitCode", Integer.toString(exitCode),
                "lastRetry.status", failed ? "Failed" : "Error",
                "lastRetry.message", message,
                "lastRetry.duration", Long.toString(duration.toSeconds())), where);
    }
}

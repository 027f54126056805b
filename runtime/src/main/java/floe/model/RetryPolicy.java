package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How often a task is tried and how long to wait between tries: {@code attempts} in all (1 = no
 * retry), waiting {@code backoff · factor^(n-1)} before retry {@code n}, never more than
 * {@code maxBackoff}, and (unless zero) no retry that would start later than {@code within} after
 * the first attempt started. Argo's {@code retryStrategy} and Batch's {@code retryStrategy.attempts} map here.
 */
public record RetryPolicy(int attempts, Duration backoff, double factor, Duration maxBackoff, RetryCondition condition,
        Duration within)
        implements Serializable {

    private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, RetryCondition.always(),
            Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(within, "within");
        if (attempts < 1) {
            throw new SpecException("retry attempts must be at least 1, got " + attempts);
        }
        if (backoff.isNegative() || maxBackoff.isNegative()) {
            throw new SpecException("retry backoff must not be negative, got " + backoff + " / " + maxBackoff);
        }
        if (factor < 1.0) {
            throw new SpecException("retry backoff factor must be at least 1, got " + factor);
        }
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** {@code attempts} tries in all, no wait between them. */
    public static RetryPolicy attempts(int attempts) {
        return new RetryPolicy(attempts, Duration.ZERO, 1.0, Duration.ZERO, RetryCondition.always(), Duration.ZERO);
    }

    /** A copy that retries only the failures {@code condition} accepts. */
    public RetryPolicy onlyIf(RetryCondition condition) {
        return new RetryPolicy(attempts, backoff, factor, maxBackoff, condition, within);
    }

    /** A copy that starts no retry later than {@code within} after the first attempt started (zero: no limit). */
    public RetryPolicy within(Duration limit) {
        return new RetryPolicy(attempts, backoff, factor, maxBackoff, condition, limit);
    }

    /** A copy that waits {@code backoff · factor^(n-1)} before retry n, capped at {@code maxBackoff}. */
    public RetryPolicy withBackoff(Duration backoff, double factor, Duration maxBackoff) {
        return new RetryPolicy(attempts, backoff, factor, maxBackoff, condition, within);
    }

    /** The wait before attempt {@code attempt} (1-based; the first attempt never waits). */
    public Duration delayBefore(int attempt) {
        if (attempt <= 1 || backoff.isZero()) {
            return Duration.ZERO;
        }
        double millis = backoff.toMillis() * Math.pow(factor, attempt - 2);
        long capped = maxBackoff.isZero() ? (long) millis : (long) Math.min(millis, maxBackoff.toMillis());
        return Duration.ofMillis(capped);
    }
}

package floe.testutils.oss;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault the testing OSS server injects into the next {@code times} requests of one operation
 * (optionally only for keys starting with a prefix): an error status with an OSS error body, a
 * connection dropped halfway through the body (the response's for downloads, the request's for
 * uploads), or a response held back for a while.
 *
 * <pre>{@code
 * oss.inject(OssFault.status(503, "ServiceUnavailable").on(OssOperation.PUT_OBJECT).times(3));
 * }</pre>
 */
public final class OssFault {
    enum Kind { STATUS, DROP, DELAY }

    final Kind kind;
    final int status;
    final String code;
    final Duration delay;
    final OssOperation operation;
    final String keyPrefix;
    final AtomicInteger remaining;
    final AtomicInteger fired = new AtomicInteger();

    private OssFault(Kind kind, int status, String code, Duration delay, OssOperation operation, String keyPrefix, int times) {
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.delay = delay;
        this.operation = operation;
        this.keyPrefix = keyPrefix;
        this.remaining = new AtomicInteger(times);
    }

    /** Answers with {@code status} and an OSS error body with {@code code} (e.g. 503 ServiceUnavailable). */
    public static OssFault status(int status, String code) {
        return new OssFault(Kind.STATUS, status, code, null, null, "", 1);
    }

    /** Closes the connection halfway through the body. */
    public static OssFault dropConnection() {
        return new OssFault(Kind.DROP, 0, null, null, null, "", 1);
    }

    /** Holds the response back for {@code delay}, then answers normally. */
    public static OssFault delay(Duration delay) {
        return new OssFault(Kind.DELAY, 0, null, delay, null, "", 1);
    }

    public OssFault on(OssOperation op) {
        return new OssFault(kind, status, code, delay, op, keyPrefix, remaining.get());
    }

    public OssFault forKeysStartingWith(String prefix) {
        return new OssFault(kind, status, code, delay, operation, prefix, remaining.get());
    }

    public OssFault times(int n) {
        return new OssFault(kind, status, code, delay, operation, keyPrefix, n);
    }

    /** How many requests this fault has hit so far. */
    public int fired() {
        return fired.get();
    }

    boolean take(OssOperation op, String key) {
        if ((operation != null && operation != op) || key == null || !key.startsWith(keyPrefix)) {
            return false;
        }
        if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            fired.incrementAndGet();
            return true;
        }
        return false;
    }
}

package floe.service;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Refuses a signature seen before: a captured request sent again while its date is within the
 * clock skew. A signature is remembered until its request's date plus the skew, after which the
 * date check refuses it anyway. Bounded: when {@code capacity} signatures of the window are held,
 * new requests are refused as throttled (never let through unremembered) until the oldest expire.
 *
 * <p>Clients make each request unique: the AWS SDKs sign a random {@code amz-sdk-invocation-id},
 * {@link BatchClient} too, so a request sent twice on purpose in one second is two signatures.
 */
final class ReplayGuard {
    static final int DEFAULT_CAPACITY = 500_000;

    private record Seen(long high, long low, Instant until) {}

    private final int capacity;
    private final Set<Key> seen = new HashSet<>();
    private final ArrayDeque<Seen> byExpiry = new ArrayDeque<>();

    private record Key(long high, long low) {}

    ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records the signature; throws if it was seen within the window or too many are held. */
    synchronized void check(SigV4.Authorization auth, Instant now) {
        while (!byExpiry.isEmpty() && byExpiry.peekFirst().until().isBefore(now)) {
            Seen old = byExpiry.removeFirst();
            seen.remove(new Key(old.high(), old.low()));
        }
        byte[] sig = HexFormat.of().parseHex(auth.signature());
        Key key = new Key(toLong(sig, 0), toLong(sig, 8));
        if (seen.contains(key)) {
            throw ApiException.forbidden("InvalidSignatureException",
                    "Signature already used: a request is accepted once (sign each request anew)");
        }
        if (seen.size() >= capacity) {
            throw ApiException.of(429, "TooManyRequestsException", "Too many requests within the signature window; retry later");
        }
        Instant until = auth.signedAt().plus(SigV4.SKEW);
        seen.add(key);
        // Dates are near now, so this queue stays nearly ordered; an entry out of order expires a little late, never early.
        if (!byExpiry.isEmpty() && byExpiry.peekLast().until().isAfter(until)) {
            until = byExpiry.peekLast().until();
        }
        byExpiry.addLast(new Seen(key.high(), key.low(), until));
    }

    private static long toLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}

package floe.connectors.records;

import java.io.Serializable;

/**
 * Folds two records with the same key into one, as a merge meets them. It ships to the
 * TaskManagers with the tasks that merge, so it is serializable (a lambda is).
 *
 * <pre>{@code
 * Combiner<GenericRecord> sums = (into, other) -> {
 *     into.put("events", (Long) into.get("events") + (Long) other.get("events"));
 *     return into;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Combiner<R> extends Serializable {
    /**
     * The record standing for both: usually {@code into}, changed. {@code into} is the merge's own
     * copy and may be changed; {@code other} is reused once this returns, so keep nothing of it.
     */
    R combine(R into, R other);
}

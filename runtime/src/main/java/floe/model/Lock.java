package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.util.Objects;

/**
 * A lock held while something runs, shared by every run on this machine that names it: a mutex
 * ({@code permits} 1) or a semaphore of {@code permits}, kept as files under {@code dir} (Argo's
 * {@code synchronization}). Whoever cannot take it waits until a holder lets go.
 */
public record Lock(String name, int permits, String dir) implements Serializable {
    public Lock {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dir, "dir");
        if (name.isBlank()) {
            throw new SpecException("lock: empty name");
        }
        if (permits < 1) {
            throw new SpecException("lock '" + name + "': a limit of at least 1, got " + permits);
        }
    }

    /** A mutex: one holder at a time. */
    public static Lock mutex(String name, String dir) {
        return new Lock(name, 1, dir);
    }
}

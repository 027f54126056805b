package floe.exec;

import floe.FloeException;
import floe.model.Lock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes {@link Lock}s as Argo's synchronization does, for every run on this machine: a lock of
 * {@code permits} is that many files under its directory ({@code NAME.0}, {@code NAME.1}, ...), and
 * a holder holds an operating-system lock on one of them, which ends with the holder's process if
 * it dies. Whoever finds every permit taken waits, looking again every {@link #POLL_MILLIS} ms,
 * until one is let go or it is interrupted (a timeout, a cancellation). Locks are taken in name
 * order, so two holders of the same locks never wait on each other.
 */
public final class Locks {
    static final long POLL_MILLIS = 200;
    /** Permit files held by this JVM: the operating system's locks are per process, not per thread. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private Locks() {}

    /** What is held: let go with {@link #close()}. */
    public static final class Held implements AutoCloseable {
        private final List<Permit> permits;

        private Held(List<Permit> permits) {
            this.permits = permits;
        }

        @Override
        public void close() {
            for (Permit p : permits) {
                p.release();
            }
        }
    }

    private record Permit(Path file, FileChannel channel, FileLock lock) {
        void release() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the channel is gone, and the lock with it
            } finally {
                HELD.remove(file);
            }
        }
    }

    /**
     * Takes every lock of {@code locks}, waiting as long as it takes; {@code waiting} hears once
     * which lock it waits for.
     */
    public static Held take(List<Lock> locks, java.util.function.Consumer<Lock> waiting) throws InterruptedIOException {
        List<Permit> held = new ArrayList<>();
        try {
            for (Lock lock : locks.stream().sorted(java.util.Comparator.comparing(Lock::name)).toList()) {
                held.add(take(lock, waiting));
            }
        } catch (InterruptedIOException | RuntimeException e) {
            held.forEach(Permit::release);
            throw e;
        }
        return new Held(held);
    }

    private static Permit take(Lock lock, java.util.function.Consumer<Lock> waiting) throws InterruptedIOException {
        Path dir = Path.of(lock.dir());
        String base = fileName(lock.name());
        boolean told = false;
        while (true) {
            for (int i = 0; i < lock.permits(); i++) {
                Permit p = tryTake(dir.resolve(base + "." + i), lock);
                if (p != null) {
                    return p;
                }
            }
            if (!told) {
                waiting.accept(lock);
                told = true;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for lock '" + lock.name() + "'");
            }
        }
    }

    private static Permit tryTake(Path file, Lock lock) {
        if (!HELD.add(file)) {
            return null;
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fl = channel.tryLock();
            if (fl != null) {
                channel.truncate(0);
                channel.write(java.nio.ByteBuffer.wrap((lock.name() + "\n").getBytes(StandardCharsets.UTF_8)));
                return new Permit(file, channel, fl);
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM through another channel: taken
        } catch (IOException e) {
            HELD.remove(file);
            closeQuietly(channel);
            throw new FloeException("lock '" + lock.name() + "': cannot use " + file + ": " + e.getMessage(), e);
        }
        HELD.remove(file);
        closeQuietly(channel);
        return null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held
            }
        }
    }

    /** A lock's name as a file name: its readable characters, and a hash that keeps different names apart. */
    static String fileName(String name) {
        String readable = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 80) {
            readable = readable.substring(0, 80);
        }
        return readable + "-" + Integer.toHexString(name.hashCode());
    }
}

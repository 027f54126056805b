package floe.connectors.commit;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import floe.connectors.oss.DirectOss;
import floe.connectors.oss.OssErrors;
import floe.connectors.oss.OssSettings;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.UUID;

/**
 * Floe's commit protocol for one output file on any Flink file system. No reader ever sees a
 * half-written file, and a task that runs again (retry, failover) publishes the same name again.
 *
 * <p>On a file system (local disk, HDFS): write to a hidden in-progress file beside the target
 * ({@code .NAME.UUID~PID~HOST.inprogress}), then publish it under its final name in one rename; an
 * attempt that fails deletes its own in-progress file. The file is leased to its writer: the name
 * says who writes it (process and host), and the lease runs {@link #leaseMillis()} past its last
 * modification, renewed while it is open on a local disk. A later attempt sweeps only the files
 * whose lease is over, or whose writer is a process of this host that is gone: never those of a
 * writer that may still commit (an attempt that timed out and was not waited for, a task left on a
 * partitioned TaskManager). A commit whose in-progress file is gone fails without touching the
 * target; two writers committing one name leave one of their complete files.
 *
 * <p>On an object store ({@code oss://}): an object becomes visible only when its upload completes
 * (one PUT, or the completion of a multipart upload), and a rename there is a copy and a delete.
 * So the bytes are staged in a local temporary file and uploaded straight to the final key on
 * {@link #commit()}, replacing any earlier object; an abandoned attempt uploads nothing. (Writing
 * into the store's stream directly would not do: closing it, which is also how an abandoned writer
 * lets go of it, completes the upload and publishes the partial object.)
 *
 * <pre>{@code
 * try (AtomicFile file = AtomicFile.create(new Path("file:///data/out/part-00000.avro"))) {
 *     write(file.stream());
 *     file.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    static final String SUFFIX = ".inprogress";
    /** How long an in-progress file is another writer's after its last modification, unless {@code floe.commit.lease-seconds} says otherwise. */
    static final long DEFAULT_LEASE_SECONDS = 600;
    /** Separates the parts of an in-progress file's owner: {@code UUID~PID~HOST}. */
    private static final String OWNER_SEPARATOR = "~";
    /** This process as the owner of the in-progress files it writes. */
    private static final long PID = ProcessHandle.current().pid();
    private static final String HOST = host();
    /** The in-progress files open in this process on a local disk, whose leases are renewed. */
    private static final java.util.Set<java.io.File> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.ScheduledExecutorService RENEW = renewer();

    private final FileSystem fs;
    private final Path target;
    private final Path inProgress;
    private final java.nio.file.Path staged;
    private final Counting stream;
    private boolean done;

    private AtomicFile(FileSystem fs, Path target, Path inProgress, java.nio.file.Path staged, OutputStream stream) {
        this.fs = fs;
        this.target = target;
        this.inProgress = inProgress;
        this.staged = staged;
        this.stream = new Counting(stream);
    }

    /** Opens {@code target} for writing; nothing appears under its name until {@link #commit()}. */
    public static AtomicFile create(Path target) throws IOException {
        try {
            return open(target);
        } catch (RuntimeException e) {
            throw OssErrors.at(target.toString(), e);
        }
    }

    private static AtomicFile open(Path target) throws IOException {
        FileSystem fs = target.getFileSystem();
        if (OssSettings.isObjectStore(target.toUri())) {
            java.nio.file.Path staged = Files.createTempFile("floe-" + target.getName() + "-", ".staged");
            try {
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(staged), 256 * 1024);
                return new AtomicFile(fs, target, null, staged, out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(staged);
                throw e;
            }
        }
        deleteLeftovers(fs, target);
        Path inProgress = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID()
                + OWNER_SEPARATOR + PID + OWNER_SEPARATOR + HOST + SUFFIX);
        FSDataOutputStream stream = fs.create(inProgress, FileSystem.WriteMode.NO_OVERWRITE);
        AtomicFile file = new AtomicFile(fs, target, inProgress, null, stream);
        java.io.File local = localFile(inProgress);
        if (local != null) {
            OPEN.add(local);
        }
        return file;
    }

    /** How long an in-progress file stays its writer's after its last modification. */
    static long leaseMillis() {
        return java.util.concurrent.TimeUnit.SECONDS.toMillis(Long.getLong("floe.commit.lease-seconds", DEFAULT_LEASE_SECONDS));
    }

    /** The file behind {@code path} when it is on a local disk (its lease can be renewed), else null. */
    private static java.io.File localFile(Path path) {
        return "file".equals(path.toUri().getScheme()) ? new java.io.File(path.toUri()) : null;
    }

    /** Touches every in-progress file open in this process, a third of a lease apart, so that none of them expires while written. */
    private static java.util.concurrent.ScheduledExecutorService renewer() {
        java.util.concurrent.ScheduledExecutorService renew = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floe-commit-leases");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1000, leaseMillis() / 3);
        renew.scheduleWithFixedDelay(() -> {
            long now = System.currentTimeMillis();
            for (java.io.File f : OPEN) {
                f.setLastModified(now); // gone meanwhile (committed, abandoned): nothing to renew
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        return renew;
    }

    private static String host() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "unknown";
            }
        }
        return name.replace(OWNER_SEPARATOR, "-").replace("/", "-");
    }

    /** Whether {@code name} is an in-progress file of this protocol (never a finished output). */
    public static boolean isInProgress(String name) {
        return name.startsWith(".") && name.endsWith(SUFFIX);
    }

    public OutputStream stream() {
        return stream;
    }

    public Path target() {
        return target;
    }

    /** The bytes written so far: after {@link #commit()}, the length of the published file. */
    public long length() {
        return stream.count;
    }

    /** Publishes the file under its final name, replacing any earlier copy. */
    public void commit() throws IOException {
        stream.close();
        done = true;
        if (staged != null) {
            try {
                upload();
            } catch (RuntimeException e) {
                throw OssErrors.at(target.toString(), e);
            } catch (IOException e) {
                throw new IOException(target + ": upload failed, nothing published: " + OssErrors.describe(e), e);
            }
            return;
        }
        forget();
        try {
            if (!fs.rename(inProgress, target)) {
                if (!fs.exists(inProgress)) {
                    // Swept as expired, or never there: the target, whoever wrote it, stays as it is.
                    throw new IOException("could not publish " + target + ": its in-progress file " + inProgress.getName()
                            + " is gone (its lease of " + leaseMillis() / 1000 + " s expired and another attempt removed it);"
                            + " nothing published, " + target.getName() + " left as it was");
                }
                // A file system that will not rename onto an existing file: replace it.
                fs.delete(target, false);
                if (!fs.rename(inProgress, target)) {
                    throw new IOException("could not publish " + target + " (rename from " + inProgress.getName() + " failed)");
                }
            }
        } catch (IOException | RuntimeException e) {
            fs.delete(inProgress, false);
            throw e;
        }
    }

    /** Stops renewing this file's lease. */
    private void forget() {
        java.io.File local = inProgress == null ? null : localFile(inProgress);
        if (local != null) {
            OPEN.remove(local);
        }
    }

    /** Abandons the file unless it was committed: its in-progress copy is deleted. */
    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        forget();
        try {
            stream.close();
        } finally {
            if (staged != null) {
                Files.deleteIfExists(staged);
            } else {
                fs.delete(inProgress, false);
            }
        }
    }

    /**
     * One upload of the complete staged file to the final key (the store makes it visible when the
     * upload completes, and aborts a multipart upload whose parts fail).
     */
    private void upload() throws IOException {
        DirectOss oss = DirectOss.of(fs);
        if (oss != null) {
            // one PUT (or one multipart upload), nothing asked before it
            try {
                oss.upload(target, staged.toFile());
            } finally {
                Files.deleteIfExists(staged);
            }
            return;
        }
        try (InputStream in = Files.newInputStream(staged)) {
            FSDataOutputStream out = fs.create(target, FileSystem.WriteMode.OVERWRITE);
            // Not closed if the copy fails: closing is what completes the upload.
            in.transferTo(out);
            out.close();
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /**
     * Lists {@code dir}, tolerating files that vanish while it is listed (another writer's
     * in-progress file being published), which Flink's local file system reports as missing.
     */
    public static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                FileStatus[] listed = fs.listStatus(dir);
                return listed == null ? new FileStatus[0] : listed;
            } catch (FileNotFoundException e) {
                if (attempt >= 10 || !fs.exists(dir)) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the in-progress files of {@code target} whose lease is over ({@link #expired}). */
    private static void deleteLeftovers(FileSystem fs, Path target) throws IOException {
        Path dir = target.getParent();
        if (!fs.exists(dir)) {
            return;
        }
        String prefix = "." + target.getName() + ".";
        long now = System.currentTimeMillis();
        java.io.File local = localFile(dir);
        if (local != null) {
            deleteLocalLeftovers(local.toPath(), prefix, now);
            return;
        }
        for (FileStatus s : list(fs, dir)) {
            String owner = leftoverOwner(s.getPath().getName(), prefix);
            if (owner != null && expired(owner, s.getModificationTime(), now)) {
                fs.delete(s.getPath(), false);
            }
        }
    }

    /** The owner part of {@code name} when it is an in-progress file of the target whose files start with {@code prefix}; else null. */
    private static String leftoverOwner(String name, String prefix) {
        return name.length() >= prefix.length() + SUFFIX.length() && name.startsWith(prefix) && name.endsWith(SUFFIX)
                ? name.substring(prefix.length(), name.length() - SUFFIX.length()) : null;
    }

    /**
     * {@link #deleteLeftovers} in a local directory: its names are read without a look at each
     * file (Flink's {@code listStatus} stats every entry, which made writing N files into one
     * directory cost N^2/2 stats: 13 minutes of system time for 16,384 files), and only an
     * in-progress file of the target's is looked at.
     */
    private static void deleteLocalLeftovers(java.nio.file.Path dir, String prefix, long now) throws IOException {
        java.nio.file.DirectoryStream.Filter<java.nio.file.Path> ours = p -> leftoverOwner(p.getFileName().toString(), prefix) != null;
        try (java.nio.file.DirectoryStream<java.nio.file.Path> leftovers = Files.newDirectoryStream(dir, ours)) {
            for (java.nio.file.Path p : leftovers) {
                try {
                    long modified = Files.getLastModifiedTime(p).toMillis();
                    if (expired(leftoverOwner(p.getFileName().toString(), prefix), modified, now)) {
                        Files.deleteIfExists(p);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // published or swept meanwhile
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // the directory went away: nothing to sweep
        }
    }

    /**
     * Whether an in-progress file owned by {@code owner} ({@code UUID~PID~HOST}), last modified at
     * {@code modified}, may be swept at {@code now}: its lease ran out, or its writer was a process
     * of this host that no longer runs (killed: it will never commit).
     */
    static boolean expired(String owner, long modified, long now) {
        if (now - modified > leaseMillis()) {
            return true;
        }
        String[] parts = owner.split(OWNER_SEPARATOR, 3);
        if (parts.length == 3 && parts[2].equals(HOST)) {
            try {
                long pid = Long.parseLong(parts[1]);
                return pid != PID && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /** Counts what goes through it. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}

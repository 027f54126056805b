package floe.connectors.commit;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/**
 * Floe's commit protocol for one output file on any Flink file system: write to a hidden
 * in-progress file beside the target ({@code .NAME.UUID.inprogress}), then publish it under its
 * final name in one rename. No reader ever sees a half-written file; a task that runs again
 * (retry, failover) publishes the same name again; an attempt that fails deletes its own
 * in-progress file, and a later attempt deletes those a killed process left behind.
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

    private final FileSystem fs;
    private final Path target;
    private final Path inProgress;
    private final FSDataOutputStream stream;
    private boolean done;

    private AtomicFile(FileSystem fs, Path target, Path inProgress, FSDataOutputStream stream) {
        this.fs = fs;
        this.target = target;
        this.inProgress = inProgress;
        this.stream = stream;
    }

    /** Opens {@code target} for writing; nothing appears under its name until {@link #commit()}. */
    public static AtomicFile create(Path target) throws IOException {
        FileSystem fs = target.getFileSystem();
        deleteLeftovers(fs, target);
        Path inProgress = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + SUFFIX);
        FSDataOutputStream stream = fs.create(inProgress, FileSystem.WriteMode.NO_OVERWRITE);
        return new AtomicFile(fs, target, inProgress, stream);
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

    /** Publishes the file under its final name, replacing any earlier copy. */
    public void commit() throws IOException {
        stream.close();
        done = true;
        try {
            if (!fs.rename(inProgress, target)) {
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

    /** Abandons the file unless it was committed: its in-progress copy is deleted. */
    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            stream.close();
        } finally {
            fs.delete(inProgress, false);
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

    private static void deleteLeftovers(FileSystem fs, Path target) throws IOException {
        Path dir = target.getParent();
        if (!fs.exists(dir)) {
            return;
        }
        String prefix = "." + target.getName() + ".";
        for (FileStatus s : list(fs, dir)) {
            String name = s.getPath().getName();
            if (name.startsWith(prefix) && name.endsWith(SUFFIX)) {
                fs.delete(s.getPath(), false);
            }
        }
    }
}

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
 * ({@code .NAME.UUID.inprogress}), then publish it under its final name in one rename; an attempt
 * that fails deletes its own in-progress file, and a later attempt deletes those a killed process
 * left behind.
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
        Path inProgress = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + SUFFIX);
        FSDataOutputStream stream = fs.create(inProgress, FileSystem.WriteMode.NO_OVERWRITE);
        return new AtomicFile(fs, target, inProgress, null, stream);
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

package floe.exec;

import floe.FloeException;
import floe.model.Command;
import floe.model.TaskContext;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Moves a command task's artifacts between where they live and the task's own files on this
 * machine: inputs fetched and unpacked before the command, outputs archived and stored after it
 * succeeded, each then reported as the task's output artifact. A transfer that fails on the way (a
 * dropped connection, a 5xx answer) is tried again; a stored output appears whole at its location
 * or not at all. A failed transfer fails the attempt, naming the artifact and its location.
 */
final class ArtifactTransfer {
    /** A directory whose name starts so holds an attempt's own artifact files: removed once the attempt is over. */
    static final String STAGING_PREFIX = "floe-artifact-";
    private static final int TRIES = 4;

    private ArtifactTransfer() {}

    /** Fetches the inputs; answers the mounts that show them to the command (those that are not already in place). */
    static List<Command.Mount> download(List<Command.Artifact> artifacts) {
        List<Command.Mount> mounts = new ArrayList<>();
        for (Command.Artifact a : artifacts) {
            if (a.output()) {
                continue;
            }
            java.nio.file.Path host = java.nio.file.Path.of(a.hostPath());
            boolean fetched = transfer(a, "input", () -> fetch(a, host));
            if (fetched && a.mount()) {
                mounts.add(new Command.Mount(a.hostPath(), a.path(), !Files.isDirectory(host)));
            }
        }
        return mounts;
    }

    private static boolean fetch(Command.Artifact a, java.nio.file.Path host) throws IOException {
        Files.createDirectories(host.getParent());
        java.nio.file.Path fetched = host.resolveSibling(host.getFileName() + ".fetched");
        delete(fetched);
        if (!ArtifactSources.fetch(a, fetched)) {
            if (a.optional()) {
                return false;
            }
            throw new FloeException("nothing there (mark the artifact optional: true if it may be missing)");
        }
        delete(host);
        Command.Archive archive = a.archive();
        if (archive == Command.Archive.AUTO && Files.isRegularFile(fetched)) {
            archive = Archives.isTarball(fetched) ? Command.Archive.TAR : Command.Archive.NONE;
        }
        switch (archive) {
            case TAR -> Archives.untar(fetched, host);
            case ZIP -> Archives.unzip(fetched, host);
            default -> Files.move(fetched, host);
        }
        delete(fetched);
        if (a.mode() != null) {
            Archives.chmod(host, a.mode(), a.recurseMode());
        }
        return true;
    }

    /** Archives and stores the outputs, reporting each stored one to {@code ctx} as the task's output artifact. */
    static void upload(List<Command.Artifact> artifacts, TaskContext ctx) {
        for (Command.Artifact a : artifacts) {
            if (!a.output()) {
                continue;
            }
            java.nio.file.Path host = java.nio.file.Path.of(a.hostPath());
            if (!Files.exists(host) || (a.mount() && empty(host))) {
                if (a.optional()) {
                    continue;
                }
                throw new FloeException("output artifact '" + a.name() + "': the command wrote nothing at " + a.path()
                        + " (mark the artifact optional: true if that is fine)");
            }
            String stored = transfer(a, "output", () -> store(a, host));
            ctx.outputArtifact(a.name(), Command.Artifact.locationText(stored, a.options()));
        }
    }

    /** Stores one output; answers where it is (a directory's location ends with {@code /}). */
    private static String store(Command.Artifact a, java.nio.file.Path host) throws IOException {
        String name = java.nio.file.Path.of(a.path()).getFileName() == null ? a.name() : java.nio.file.Path.of(a.path()).getFileName().toString();
        if (a.archive() == Command.Archive.TAR || a.archive() == Command.Archive.ZIP) {
            java.nio.file.Path packed = Files.createTempFile(host.getParent(), "packed-", ".archive");
            try {
                if (a.archive() == Command.Archive.TAR) {
                    Archives.tar(host, name, packed, a.compressionLevel());
                } else {
                    Archives.zip(host, name, packed);
                }
                put(packed, new Path(a.location()), a.options());
            } finally {
                Files.deleteIfExists(packed);
            }
            return a.location();
        }
        if (!Files.isDirectory(host)) {
            String location = a.directory() ? a.location() + name : a.location();
            put(host, new Path(location), a.options());
            return location;
        }
        String prefix = a.directory() ? a.location() : a.location() + "/";
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> walk = Files.walk(host)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty() && !a.optional()) {
            throw new FloeException("the command wrote nothing under " + a.path() + " (mark the artifact optional if that is fine)");
        }
        for (java.nio.file.Path f : files) {
            put(f, new Path(prefix + host.relativize(f).toString().replace('\\', '/')), a.options());
        }
        return prefix;
    }

    /**
     * Writes {@code from} at {@code to}, whole or not at all: on an object store the object appears
     * when its upload completes; on a file system it is written beside and renamed into place.
     */
    private static void put(java.nio.file.Path from, Path to, java.util.Map<String, String> options) throws IOException {
        FileSystem fs = ObjectStores.of(to, options);
        boolean local = !fs.isDistributedFS();
        Path written = local ? new Path(to.getParent(), "." + to.getName() + "." + UUID.randomUUID() + ".partial") : to;
        if (local) {
            fs.mkdirs(to.getParent());
        }
        try (InputStream in = Files.newInputStream(from)) {
            FSDataOutputStream out = fs.create(written, FileSystem.WriteMode.OVERWRITE);
            // Not closed if the copy fails: on an object store, closing completes the upload.
            in.transferTo(out);
            out.close();
        } catch (IOException | RuntimeException e) {
            if (local) {
                fs.delete(written, false);
            }
            throw e;
        }
        if (local && !fs.rename(written, to)) {
            fs.delete(written, false);
            throw new IOException("could not move the artifact into place");
        }
    }

    /** Deletes the attempt's own artifact files: each staging directory ({@value #STAGING_PREFIX}*) its artifacts and mounts lie in. */
    static void cleanUp(Command command) {
        List<String> paths = new ArrayList<>();
        command.artifacts().forEach(a -> paths.add(a.hostPath()));
        command.mounts().stream().filter(m -> m.kind() == Command.Mount.Kind.OVERLAY).forEach(m -> paths.add(m.hostDir()));
        for (String p : paths) {
            for (java.nio.file.Path dir = java.nio.file.Path.of(p); dir != null; dir = dir.getParent()) {
                if (dir.getFileName() != null && dir.getFileName().toString().startsWith(STAGING_PREFIX)) {
                    try {
                        delete(dir);
                    } catch (IOException e) {
                        // a leftover temporary file; nothing the task depends on
                    }
                    break;
                }
            }
        }
    }

    /** Whether a file is empty or a directory has nothing in it (a path mounted before the command, left as it was). */
    private static boolean empty(java.nio.file.Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (Stream<java.nio.file.Path> list = Files.list(path)) {
                    return list.findAny().isEmpty();
                }
            }
            return Files.size(path) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a file or a whole tree, not what links in it point to; nothing there is fine. */
    static void delete(java.nio.file.Path path) throws IOException {
        org.apache.flink.util.FileUtils.deleteFileOrDirectory(path.toFile());
    }

    private interface Transfer<T> {
        T run() throws IOException;
    }

    /**
     * Runs a transfer, trying again after a failure on the way (an I/O error: a dropped connection,
     * a 5xx answer); a {@link FloeException} (nothing there, an HTTP 4xx) is final.
     */
    private static <T> T transfer(Command.Artifact a, String kind, Transfer<T> t) {
        for (int attempt = 1; ; attempt++) {
            try {
                return t.run();
            } catch (FloeException e) {
                throw new FloeException(kind + " artifact '" + a.name() + "' " + shown(a) + ": " + e.getMessage(), e);
            } catch (java.nio.file.AccessDeniedException e) {
                // The store refused the credentials (S3's 403): trying again would not change its answer.
                throw new FloeException(kind + " artifact '" + a.name() + "' " + shown(a) + ": access denied: " + firstLine(e)
                        + "; check " + a.options().getOrDefault(Command.Artifact.STORE_CREDENTIALS,
                        a.location().startsWith("s3") ? "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY" : "the store's credentials"), e);
            } catch (IOException | RuntimeException e) {
                if (attempt >= TRIES || e instanceof java.io.InterruptedIOException) {
                    throw new FloeException(kind + " artifact '" + a.name() + "' " + shown(a) + ": " + firstLine(e)
                            + (attempt > 1 ? " (tried " + attempt + " times)" : ""), e);
                }
                try {
                    Thread.sleep(200L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new FloeException(kind + " artifact '" + a.name() + "' " + shown(a) + ": interrupted", ie);
                }
            }
        }
    }

    /** The location as a message shows it: a {@code data:} URI's text is not repeated. */
    private static String shown(Command.Artifact a) {
        return a.location().startsWith("data:") ? "(raw)" : a.location();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

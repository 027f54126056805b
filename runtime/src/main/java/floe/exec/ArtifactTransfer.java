package floe.exec;

import floe.FloeException;
import floe.model.Command;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

/**
 * Moves a command task's artifacts between their store (an {@code oss://} key, or any Flink file
 * system) and the task's own files on this machine: inputs before the command, outputs after it
 * succeeded. An output object appears whole when its upload completes; a failed transfer fails
 * the attempt, naming the artifact and its location.
 */
final class ArtifactTransfer {
    private ArtifactTransfer() {}

    static void download(List<Command.Artifact> artifacts) {
        for (Command.Artifact a : artifacts) {
            if (!a.output()) {
                transfer(a, "input", () -> {
                    if (a.directory()) {
                        downloadDirectory(a);
                    } else {
                        downloadFile(a);
                    }
                });
            }
        }
    }

    static void upload(List<Command.Artifact> artifacts) {
        for (Command.Artifact a : artifacts) {
            if (a.output()) {
                transfer(a, "output", () -> {
                    java.nio.file.Path host = java.nio.file.Path.of(a.hostPath());
                    if (!a.directory()) {
                        put(host, new Path(a.uri()));
                        return;
                    }
                    List<java.nio.file.Path> files;
                    try (Stream<java.nio.file.Path> walk = Files.walk(host)) {
                        files = walk.filter(Files::isRegularFile).sorted().toList();
                    }
                    if (files.isEmpty() && !a.optional()) {
                        throw new FloeException("the command wrote nothing under " + host + " (mark the artifact optional if that is fine)");
                    }
                    for (java.nio.file.Path f : files) {
                        put(f, new Path(a.uri() + host.relativize(f).toString().replace('\\', '/')));
                    }
                });
            }
        }
    }

    /** Deletes the task's local copies (each artifact has a temporary directory of its own). */
    static void cleanUp(List<Command.Artifact> artifacts) {
        for (Command.Artifact a : artifacts) {
            java.nio.file.Path host = java.nio.file.Path.of(a.hostPath());
            java.nio.file.Path dir = a.directory() ? host : host.getParent();
            if (dir == null || !dir.getFileName().toString().startsWith("floe-artifact-")) {
                continue;
            }
            try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary file; nothing the task depends on
            }
        }
    }

    private interface Transfer {
        void run() throws IOException;
    }

    private static void transfer(Command.Artifact a, String kind, Transfer t) {
        try {
            t.run();
        } catch (FloeException e) {
            throw new FloeException(kind + " artifact '" + a.name() + "' " + a.uri() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new FloeException(kind + " artifact '" + a.name() + "' " + a.uri() + ": " + firstLine(e), e);
        }
    }

    private static void downloadFile(Command.Artifact a) throws IOException {
        Path from = new Path(a.uri());
        FileSystem fs = from.getFileSystem();
        if (!fs.exists(from)) {
            if (a.optional()) {
                return;
            }
            throw new FloeException("no such object (mark the artifact optional: true if it may be missing)");
        }
        get(fs, from, java.nio.file.Path.of(a.hostPath()));
    }

    private static void downloadDirectory(Command.Artifact a) throws IOException {
        Path from = new Path(a.uri());
        FileSystem fs = from.getFileSystem();
        int n = fs.exists(from) ? downloadTree(fs, from, java.nio.file.Path.of(a.hostPath())) : 0;
        if (n == 0 && !a.optional()) {
            throw new FloeException("no objects under this key (mark the artifact optional: true if it may be empty)");
        }
    }

    private static int downloadTree(FileSystem fs, Path dir, java.nio.file.Path host) throws IOException {
        int n = 0;
        FileStatus[] listed = fs.listStatus(dir);
        for (FileStatus s : listed == null ? new FileStatus[0] : listed) {
            java.nio.file.Path target = host.resolve(s.getPath().getName());
            if (s.isDir()) {
                Files.createDirectories(target);
                n += downloadTree(fs, s.getPath(), target);
            } else {
                get(fs, s.getPath(), target);
                n++;
            }
        }
        return n;
    }

    private static void get(FileSystem fs, Path from, java.nio.file.Path to) throws IOException {
        try (InputStream in = fs.open(from); OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
        }
    }

    private static void put(java.nio.file.Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            FSDataOutputStream out = to.getFileSystem().create(to, FileSystem.WriteMode.OVERWRITE);
            // Not closed if the copy fails: on an object store, closing completes the upload.
            in.transferTo(out);
            out.close();
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

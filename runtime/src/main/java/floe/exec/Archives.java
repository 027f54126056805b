package floe.exec;

import floe.FloeException;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Artifacts packed and unpacked as Argo's executor does: an output is a gzipped tar (or a zip)
 * whose one top entry is the file or directory by its own name; an input archive is unpacked into
 * a directory beside its target, and if it holds one entry, that entry becomes the target, else
 * the directory does.
 */
final class Archives {
    private Archives() {}

    /** Packs {@code source} (a file or a directory) as a gzipped tar at {@code target}, gzip at {@code level} (-1: default). */
    static void tar(Path source, String name, Path target, int level) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target));
                OutputStream gz = new LeveledGzip(file, level);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            pack(source, name, tar, (p, n) -> new TarArchiveEntry(p.toFile(), n));
        }
    }

    /** Packs {@code source} (a file or a directory) as a zip at {@code target}. */
    static void zip(Path source, String name, Path target) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(new BufferedOutputStream(Files.newOutputStream(target)))) {
            pack(source, name, zip, (p, n) -> new ZipArchiveEntry(p.toFile(), n));
        }
    }

    private interface Entries<E extends ArchiveEntry> {
        E entry(Path file, String name) throws IOException;
    }

    private static <E extends ArchiveEntry> void pack(Path source, String name, ArchiveOutputStream<E> out, Entries<E> entries)
            throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(source)) {
            paths = walk.sorted().toList();
        }
        for (Path p : paths) {
            String rel = source.relativize(p).toString().replace('\\', '/');
            String entryName = rel.isEmpty() ? name : name + "/" + rel;
            if (Files.isDirectory(p)) {
                entryName += "/";
            }
            out.putArchiveEntry(entries.entry(p, entryName));
            if (Files.isRegularFile(p)) {
                Files.copy(p, out);
            }
            out.closeArchiveEntry();
        }
        out.finish();
    }

    /** Whether {@code file} is a gzipped tar (Argo's test: it gunzips and has a first tar entry). */
    static boolean isTarball(Path file) {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            return tar.getNextEntry() != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Unpacks the gzipped tar {@code archive} to {@code target}. */
    static void untar(Path archive, Path target) throws IOException {
        unpack(target, dir -> {
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                extract(tar, dir);
            }
        });
    }

    /** Unpacks the zip {@code archive} to {@code target}. */
    static void unzip(Path archive, Path target) throws IOException {
        unpack(target, dir -> {
            try (ZipArchiveInputStream zip = new ZipArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
                extract(zip, dir);
            }
        });
    }

    private interface Extraction {
        void into(Path dir) throws IOException;
    }

    private static void unpack(Path target, Extraction extraction) throws IOException {
        Path dir = target.resolveSibling(target.getFileName() + ".tmpdir");
        Files.createDirectories(dir);
        extraction.into(dir);
        List<Path> top;
        try (Stream<Path> list = Files.list(dir)) {
            top = list.toList();
        }
        if (top.size() == 1) {
            Files.move(top.get(0), target, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(dir);
        } else {
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static <E extends ArchiveEntry> void extract(ArchiveInputStream<E> in, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        for (E e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
            Path target = root.resolve(e.getName()).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new FloeException("the archive's entry '" + e.getName() + "' lies outside the artifact");
            }
            if (e.isDirectory()) {
                Files.createDirectories(target);
                continue;
            }
            if (e instanceof TarArchiveEntry t && !t.isFile()) {
                if (t.isSymbolicLink()) {
                    Path link = target.getParent().resolve(t.getLinkName()).normalize();
                    if (!link.startsWith(root)) {
                        throw new FloeException("the archive's link '" + e.getName() + "' points outside the artifact");
                    }
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(t.getLinkName()));
                }
                continue; // devices, fifos and hard links are not artifacts' contents
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            int mode = e instanceof TarArchiveEntry t ? t.getMode() : e instanceof ZipArchiveEntry z ? z.getUnixMode() : 0;
            if ((mode & 0777) != 0) {
                chmod(target, mode & 0777);
            }
        }
    }

    /** Gives {@code path} the permission bits {@code mode}, and everything under it too with {@code recurse}. */
    static void chmod(Path path, int mode, boolean recurse) throws IOException {
        if (!recurse) {
            chmod(path, mode);
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            chmod(p, mode);
        }
    }

    private static void chmod(Path path, int mode) throws IOException {
        Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(path, perms);
    }

    /** gzip at a chosen level (Argo's {@code tar.compressionLevel}; 0 stores the bytes uncompressed). */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            if (level >= 0) {
                def.setLevel(level);
            }
        }
    }
}

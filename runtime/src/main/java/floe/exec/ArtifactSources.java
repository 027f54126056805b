package floe.exec;

import floe.FloeException;
import floe.model.Command;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Fetches an input artifact's bytes from where it lives to a path of this machine: an object
 * store (any Flink file system; S3, and OSS with its own endpoint or credentials, through
 * {@link ObjectStores}), an HTTP(S) URL, a {@code data:} URI, or a Git repository.
 * Answers false when there is nothing there (a missing object, a 404), so an optional artifact can
 * be passed over; any other failure is an exception.
 */
final class ArtifactSources {
    private static final String GIT = "git+";
    private static final String HEADER = "header.";
    private static final int CONNECT_TIMEOUT_MS = 30_000;
    private static final int STALL_TIMEOUT_MS = 60_000;

    private ArtifactSources() {}

    /** Fetches {@code a} to {@code target}, which must not exist yet; false when there is nothing there. */
    static boolean fetch(Command.Artifact a, Path target) throws IOException {
        String location = a.location();
        if (location.startsWith("data:")) {
            Files.write(target, data(location));
            return true;
        }
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return http(location, a.options(), target);
        }
        if (location.startsWith(GIT)) {
            String part = a.options().get("sub-path");
            if (part == null) {
                clone(location.substring(GIT.length()), a.options(), target);
                return true;
            }
            Path whole = target.resolveSibling(target.getFileName() + ".clone");
            try {
                clone(location.substring(GIT.length()), a.options(), whole);
                Path inside = whole.resolve(part).normalize();
                if (!inside.startsWith(whole) || !Files.exists(inside)) {
                    return false;
                }
                Files.move(inside, target);
                return true;
            } finally {
                ArtifactTransfer.delete(whole);
            }
        }
        return store(new org.apache.flink.core.fs.Path(location), a.options(), a.directory(), target);
    }

    /** The bytes of a {@code data:} URI (RFC 2397: {@code data:[type][;base64],DATA}). */
    static byte[] data(String uri) {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            throw new FloeException("'" + uri + "' is not a data: URI");
        }
        String text = uri.substring(comma + 1);
        if (uri.substring(0, comma).endsWith(";base64")) {
            return java.util.Base64.getDecoder().decode(text);
        }
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean http(String url, Map<String, String> options, Path target) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(STALL_TIMEOUT_MS); // a server that stops sending mid-body is a dropped connection
        c.setInstanceFollowRedirects(true);
        options.forEach((k, v) -> {
            if (k.startsWith(HEADER)) {
                c.setRequestProperty(k.substring(HEADER.length()), v);
            }
        });
        try {
            int status = c.getResponseCode();
            if (status == 404) {
                return false;
            }
            if (status / 100 != 2) {
                if (status >= 500 || status == 429) {
                    throw new IOException("HTTP " + status); // tried again
                }
                throw new FloeException("HTTP " + status);
            }
            long expected = c.getContentLengthLong();
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            long got;
            try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(partial)) {
                got = in.transferTo(out);
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            if (expected >= 0 && got != expected) {
                Files.deleteIfExists(partial);
                throw new IOException("the connection ended after " + got + " of " + expected + " bytes");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            c.disconnect();
        }
    }

    private static void clone(String repo, Map<String, String> options, Path target) throws IOException {
        String revision = options.get("revision");
        CloneCommand clone = Git.cloneRepository().setURI(repo).setDirectory(target.toFile())
                .setCloneSubmodules(Boolean.parseBoolean(options.getOrDefault("submodules", "true")));
        if (options.containsKey("branch")) {
            clone.setBranch(options.get("branch"));
        }
        if (Boolean.parseBoolean(options.get("single-branch"))) {
            clone.setCloneAllBranches(false);
            clone.setBranchesToClone(java.util.List.of("refs/heads/" + options.getOrDefault("branch", "HEAD")));
        }
        if (options.containsKey("depth") && revision == null) {
            clone.setDepth(Integer.parseInt(options.get("depth")));
        }
        try (Git git = clone.call()) {
            if (options.containsKey("fetch")) {
                git.fetch().setRefSpecs(Arrays.stream(options.get("fetch").split("\n")).map(RefSpec::new).toList()).call();
            }
            if (revision != null) {
                git.checkout().setName(resolvable(git, revision)).call();
                if (Boolean.parseBoolean(options.getOrDefault("submodules", "true"))) {
                    git.submoduleUpdate().call();
                }
            }
        } catch (GitAPIException | RuntimeException e) {
            throw new FloeException("git " + repo + (revision == null ? "" : " at " + revision) + ": " + e.getMessage(), e);
        }
    }

    /** A revision as a checkout takes it: a commit, a tag, or a branch of the remote. */
    private static String resolvable(Git git, String revision) throws IOException {
        if (git.getRepository().resolve(revision) != null) {
            return revision;
        }
        String remote = "origin/" + revision;
        if (git.getRepository().resolve(remote) != null) {
            return remote;
        }
        throw new FloeException("no revision '" + revision + "' in the repository");
    }

    private static boolean store(org.apache.flink.core.fs.Path from, Map<String, String> options, boolean directory, Path target)
            throws IOException {
        FileSystem fs = ObjectStores.of(from, options);
        if (!fs.exists(from)) {
            return false;
        }
        FileStatus status = fs.getFileStatus(from);
        if (directory || status.isDir()) {
            Files.createDirectories(target);
            return downloadTree(fs, from, target) > 0 || status.isDir();
        }
        get(fs, from, status.getLen(), target);
        return true;
    }

    private static int downloadTree(FileSystem fs, org.apache.flink.core.fs.Path dir, Path host) throws IOException {
        int n = 0;
        FileStatus[] listed = fs.listStatus(dir);
        for (FileStatus s : listed == null ? new FileStatus[0] : listed) {
            Path target = host.resolve(s.getPath().getName());
            if (s.isDir()) {
                Files.createDirectories(target);
                n += downloadTree(fs, s.getPath(), target);
            } else {
                get(fs, s.getPath(), s.getLen(), target);
                n++;
            }
        }
        return n;
    }

    /** Copies one object whose listing said it has {@code expected} bytes; a short read is a dropped connection. */
    private static void get(FileSystem fs, org.apache.flink.core.fs.Path from, long expected, Path to) throws IOException {
        long got;
        try (InputStream in = fs.open(from); OutputStream out = Files.newOutputStream(to)) {
            got = in.transferTo(out);
        }
        if (got != expected) {
            throw new IOException("the connection ended after " + got + " of " + expected + " bytes"); // tried again
        }
    }
}

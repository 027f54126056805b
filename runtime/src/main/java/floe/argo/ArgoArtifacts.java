package floe.argo;

import floe.expr.Templates;
import floe.model.Command;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container or script template's artifacts. An input comes from where the calling step's
 * {@code arguments.artifacts} say ({@code from} an earlier step's output, or a location), else from
 * the location the template gives it; an output goes to its own {@code oss} or {@code s3} key, else to the
 * artifact repository at Argo's key ({@link ArtifactRepository}), as a gzipped tar unless its
 * {@code archive} says otherwise.
 *
 * <p>On this machine a command sees the machine's own files, not an image's. What it writes at an
 * output artifact's path is kept apart from the machine and from other tasks: the path's
 * directory is an overlay whose writes go to the attempt's own directory (a path inside a mounted
 * volume is read from the volume; a path right under {@code /} is a fresh file, or a fresh
 * directory when its name has no extension). An input is put where the command sees it: in a
 * volume, or in an overlay of its directory (right under {@code /}, mounted at its path).
 */
final class ArgoArtifacts implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The prefix of the staging directory of an attempt's artifacts (removed when the attempt is over). */
    static final String STAGING_PREFIX = "floe-artifact-";

    /** One artifact as written. */
    record Spec(ArgoSpec.Artifact artifact, boolean output, String where) implements Serializable {}

    /** What a task's artifacts need: the artifacts, the mounts they add, and the overlays' writable directories by path. */
    record Staged(List<Command.Artifact> artifacts, List<Command.Mount> mounts, Map<String, String> overlays) {}

    private final List<Spec> specs;
    private final ArtifactRepository repo;

    private ArgoArtifacts(List<Spec> specs, ArtifactRepository repo) {
        this.specs = List.copyOf(specs);
        this.repo = repo;
    }

    static ArgoArtifacts of(ArgoSpec.Template t, String templatePath, ArtifactRepository repo, LocalResources.Notices notices) {
        List<Spec> specs = new ArrayList<>();
        if (t.inputs() != null) {
            read(t.inputs().artifacts(), templatePath + ".inputs.artifacts", false, repo, notices, specs);
        }
        if (t.outputs() != null) {
            read(t.outputs().artifacts(), templatePath + ".outputs.artifacts", true, repo, notices, specs);
        }
        return new ArgoArtifacts(specs, repo);
    }

    /** No artifacts. */
    static ArgoArtifacts none() {
        return new ArgoArtifacts(List.of(), ArtifactRepository.none());
    }

    ArtifactRepository repository() {
        return repo;
    }

    boolean isEmpty() {
        return specs.isEmpty();
    }

    /** Argo's variables of the artifacts' paths: {@code inputs.artifacts.NAME.path}, {@code outputs.artifacts.NAME.path}. */
    void pathVariables(Map<String, String> vars) {
        for (Spec s : specs) {
            vars.put((s.output() ? "outputs" : "inputs") + ".artifacts." + s.artifact().name() + ".path", s.artifact().path());
        }
    }

    /**
     * This task's artifacts with {@code vars} filled in (an input's location passed by its caller
     * is {@code inputs.artifacts.NAME}); {@code volumes}, the task's mounts so far. With
     * {@code create}, the attempt's files and directories are made; otherwise only checked.
     */
    Staged resolve(Map<String, String> vars, List<Command.Mount> volumes, boolean create) throws IOException {
        Path staging = create && !specs.isEmpty() ? Files.createTempDirectory(STAGING_PREFIX) : Path.of("/nonexistent");
        Map<String, String> overlays = new LinkedHashMap<>();
        List<Command.Mount> mounts = new ArrayList<>();
        List<Command.Artifact> out = new ArrayList<>();
        int n = 0;
        // Outputs first: their overlays decide where inputs inside them go.
        for (Spec s : specs) {
            if (s.output()) {
                out.add(output(s, vars, volumes, staging, overlays, mounts, n++, create));
            }
        }
        for (Spec s : specs) {
            if (!s.output()) {
                Command.Artifact a = input(s, vars, volumes, staging, overlays, mounts, n++, create);
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return new Staged(out, mounts, overlays);
    }

    private Command.Artifact output(Spec s, Map<String, String> vars, List<Command.Mount> volumes, Path staging,
            Map<String, String> overlays, List<Command.Mount> mounts, int n, boolean create) throws IOException {
        ArgoSpec.Artifact a = s.artifact();
        String path = path(a, s.where(), vars);
        Command.Archive archive = archive(a, Command.Archive.TAR);
        ArtifactLocation own = ArtifactLocation.of(a, s.where(), vars, repo);
        String location;
        if (own != null) {
            location = own.uri();
        } else {
            String key = Templates.resolve(repo.keyFormat(), vars, "floe.argo.artifacts.key-format");
            String file = archive == Command.Archive.TAR ? a.name() + ".tgz" : archive == Command.Archive.ZIP ? a.name() + ".zip"
                    : baseName(path);
            location = repo.root() + (key.isEmpty() ? "" : key.endsWith("/") ? key : key + "/") + file;
        }
        String host = onVolume(path, volumes);
        boolean fresh = false;
        if (host == null) {
            String parent = parent(path);
            boolean existingDir = Files.isDirectory(Path.of(path)) && !path.equals("/");
            if (existingDir || !parent.equals("/")) {
                String at = existingDir ? trimmed(path) : overlaid(parent);
                if (at.contains(",") || at.contains(":")) {
                    throw new ArgoConverter.ArgoError(s.where() + ".path", "'" + path + "': Floe keeps an output's directory apart"
                            + " with an overlay, whose directory may not contain ',' or ':'");
                }
                String upper = overlay(at, staging, overlays, mounts, n, create);
                host = existingDir ? upper : upper + path.substring(at.length());
            } else {
                boolean file = baseName(path).contains(".");
                Path freshPath = staging.resolve("out-" + n).resolve(baseName(path));
                if (create) {
                    Files.createDirectories(file ? freshPath.getParent() : freshPath);
                    if (file) {
                        Files.createFile(freshPath);
                    }
                }
                mounts.add(new Command.Mount(freshPath.toString(), path, file));
                host = freshPath.toString();
                fresh = true;
            }
        }
        return new Command.Artifact(a.name(), location, own == null ? repo.rootOptions() : own.options(), path, host, true, archive,
                compression(a), a.mode(), Boolean.TRUE.equals(a.recurseMode()), Boolean.TRUE.equals(a.optional()), fresh);
    }

    /** The writable directory of the overlay at {@code at}, made (with its mount) unless the task has it already. */
    private static String overlay(String at, Path staging, Map<String, String> overlays, List<Command.Mount> mounts, int n,
            boolean create) throws IOException {
        String upper = overlays.get(at);
        if (upper == null) {
            Path dir = staging.resolve("overlay-" + n);
            if (create) {
                Files.createDirectories(dir.resolve("upper"));
                Files.createDirectories(dir.resolve("work"));
            }
            Command.Mount overlay = Command.Mount.overlay(dir.toString(), at);
            mounts.add(overlay);
            upper = overlay.upper();
            overlays.put(at, upper);
        }
        return upper;
    }

    private Command.Artifact input(Spec s, Map<String, String> vars, List<Command.Mount> volumes, Path staging,
            Map<String, String> overlays, List<Command.Mount> mounts, int n, boolean create) throws IOException {
        ArgoSpec.Artifact a = s.artifact();
        String path = path(a, s.where(), vars);
        String passed = vars.get("inputs.artifacts." + a.name());
        ArtifactLocation location = passed != null ? ArtifactLocation.parse(passed) : ArtifactLocation.of(a, s.where(), vars, repo);
        if (location == null) {
            if (Boolean.TRUE.equals(a.optional())) {
                return null;
            }
            throw new ArgoConverter.ArgoError(s.where(), "input artifact '" + a.name() + "' has no source: pass it in the step's"
                    + " arguments.artifacts (from an earlier step, or a location), or give it oss, s3, http, git or raw");
        }
        String host = onVolume(path, volumes);
        boolean mount = false;
        if (host == null) {
            host = inOverlay(path, overlays);
        }
        String parent = parent(path);
        if (host == null && !parent.equals("/")) {
            // Put where the command sees it through an overlay of its directory: nothing is left on this machine.
            String at = overlaid(parent);
            if (at.contains(",") || at.contains(":")) {
                throw new ArgoConverter.ArgoError(s.where() + ".path", "'" + path + "': Floe shows an input's directory with an"
                        + " overlay, whose directory may not contain ',' or ':'");
            }
            host = overlay(at, staging, overlays, mounts, n, create) + path.substring(at.length());
        }
        if (host == null) {
            host = staging.resolve("in-" + n).resolve(baseName(path)).toString();
            mount = true;
        }
        return new Command.Artifact(a.name(), location.uri(), location.options(), path, host, false, archive(a, Command.Archive.AUTO),
                -1, a.mode(), Boolean.TRUE.equals(a.recurseMode()), Boolean.TRUE.equals(a.optional()), mount);
    }

    private static String path(ArgoSpec.Artifact a, String where, Map<String, String> vars) {
        String path = Templates.resolve(a.path(), vars, where + ".path");
        if (!path.startsWith("/")) {
            throw new ArgoConverter.ArgoError(where + ".path", "'" + path + "' is not an absolute path in the container");
        }
        return path;
    }

    private static Command.Archive archive(ArgoSpec.Artifact a, Command.Archive fallback) {
        if (a.archive() == null) {
            return fallback;
        }
        return a.archive().none() != null ? Command.Archive.NONE : a.archive().zip() != null ? Command.Archive.ZIP
                : a.archive().tar() != null ? Command.Archive.TAR : fallback;
    }

    private static int compression(ArgoSpec.Artifact a) {
        return a.archive() != null && a.archive().tar() != null && a.archive().tar().compressionLevel() != null
                ? a.archive().tar().compressionLevel() : -1;
    }

    /**
     * The directory to overlay for a path in {@code dir}: {@code dir} when this machine has it, else
     * its nearest ancestor that it has, so the directories on the way are the command's own (made in
     * the overlay, as a container makes them, never left on this machine); {@code dir} itself when
     * only {@code /} is there, which is never overlaid.
     */
    static String overlaid(String dir) {
        for (Path p = Path.of(dir); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                return p.getParent() == null ? dir : trimmed(p.toString());
            }
        }
        return dir;
    }

    /** Where the command's {@code path} is when it lies inside one of the task's {@code overlays} (path -> writable directory), else null. */
    static String inOverlay(String path, Map<String, String> overlays) {
        String host = null;
        for (Map.Entry<String, String> o : overlays.entrySet()) {
            if (path.startsWith(o.getKey().endsWith("/") ? o.getKey() : o.getKey() + "/")) {
                host = o.getValue() + path.substring(o.getKey().length());
            }
        }
        return host;
    }

    /** The host path behind {@code path} when a volume is mounted over it, else null. */
    static String onVolume(String path, List<Command.Mount> mounts) {
        for (Command.Mount m : mounts) {
            if (m.kind() == Command.Mount.Kind.DIRECTORY && (path.equals(m.path())
                    || path.startsWith(m.path().endsWith("/") ? m.path() : m.path() + "/"))) {
                return m.hostDir() + path.substring(m.path().length());
            }
        }
        return null;
    }

    private static String trimmed(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String parent(String path) {
        Path parent = Path.of(trimmed(path)).getParent();
        return parent == null ? "/" : parent.toString();
    }

    private static String baseName(String path) {
        Path name = Path.of(trimmed(path)).getFileName();
        return name == null ? "root" : name.toString();
    }

    private static void read(List<ArgoSpec.Artifact> list, String at, boolean output, ArtifactRepository repo,
            LocalResources.Notices notices, List<Spec> specs) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String where = at + "[" + i + "]";
            ArgoSpec.Artifact a = list.get(i);
            check(a, where, output, repo);
            if (a.s3() != null) {
                S3Options.noticeUngiven(repo, notices, where + ".s3", a.s3().accessKeySecret(), a.s3().secretKeySecret(),
                        a.s3().sessionTokenSecret());
            }
            if (a.oss() != null) {
                S3Options.noticeUngiven(repo, notices, where + ".oss", a.oss().accessKeySecret(), a.oss().secretKeySecret());
            }
            specs.add(new Spec(a, output, where));
        }
    }

    /** What lint can say of an artifact of a container or script template before any task runs. */
    static void check(ArgoSpec.Artifact a, String where, boolean output, ArtifactRepository repo) {
        text(a.name(), where + ".name");
        text(a.path(), where + ".path");
        int sources = (a.oss() != null ? 1 : 0) + (a.s3() != null ? 1 : 0) + (a.http() != null ? 1 : 0) + (a.git() != null ? 1 : 0)
                + (a.raw() != null ? 1 : 0);
        if (sources > 1) {
            throw new ArgoConverter.ArgoError(where, "artifact '" + a.name() + "' gives " + sources + " locations: give one");
        }
        if (a.from() != null || a.fromExpression() != null) {
            throw new ArgoConverter.ArgoError(where + (a.from() != null ? ".from" : ".fromExpression"), "from belongs in a step's arguments.artifacts, or in the outputs of"
                    + " a steps or dag template");
        }
        if (!output && a.globalName() != null) {
            throw new ArgoConverter.ArgoError(where + ".globalName", "an input has no global name: give globalName to the output"
                    + " artifact that makes it");
        }
        if (output && a.mode() != null) {
            throw new ArgoConverter.ArgoError(where + ".mode", "Argo sets an artifact's mode when an input is loaded: give mode to"
                    + " the input that takes this artifact");
        }
        if (output && (a.http() != null || a.git() != null || a.raw() != null)) {
            throw new ArgoConverter.ArgoError(where + "." + (a.http() != null ? "http" : a.git() != null ? "git" : "raw"),
                    "Floe stores output artifacts in oss, s3 or the artifact repository, not there");
        }
        if (a.oss() != null) {
            text(a.oss().key(), where + ".oss.key");
            if (a.oss().bucket() == null && (repo.bucket() == null || repo.bucket().isBlank())) {
                throw new ArgoConverter.ArgoError(where + ".oss", "artifact '" + a.name() + "' names no bucket: give oss.bucket, or set"
                        + " floe.argo.artifacts.oss.bucket (the artifact repository)");
            }
            S3Options.oss(a.oss(), repo, where + ".oss"); // both keys, the secret given, an endpoint
        }
        if (a.s3() != null) {
            text(a.s3().key(), where + ".s3.key");
            if (a.s3().bucket() != null) {
                text(a.s3().bucket(), where + ".s3.bucket");
                S3Options.of(a.s3(), repo, where + ".s3"); // both keys, the secret given, the addressing style
            }
        }
        if (a.http() != null) {
            text(a.http().url(), where + ".http.url");
        }
        if (a.git() != null) {
            text(a.git().repo(), where + ".git.repo");
        }
        if (a.mode() != null && (a.mode() < 0 || a.mode() > 07777)) {
            throw new ArgoConverter.ArgoError(where + ".mode", "'" + a.mode() + "' is not a file mode (0 to 4095, e.g. 0755 = 493)");
        }
        if (a.archive() != null) {
            int kinds = (a.archive().none() != null ? 1 : 0) + (a.archive().tar() != null ? 1 : 0) + (a.archive().zip() != null ? 1 : 0);
            if (kinds != 1) {
                throw new ArgoConverter.ArgoError(where + ".archive", "give one of none, tar or zip");
            }
            Integer level = a.archive().tar() == null ? null : a.archive().tar().compressionLevel();
            if (level != null && (level < -1 || level > 9)) {
                throw new ArgoConverter.ArgoError(where + ".archive.tar.compressionLevel", "'" + level + "' is not a gzip level (-1 to 9)");
            }
        }
    }

    private static String text(String v, String where) {
        if (v == null || v.isBlank()) {
            throw new ArgoConverter.ArgoError(where, "missing");
        }
        return v;
    }
}

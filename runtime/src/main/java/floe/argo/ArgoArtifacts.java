package floe.argo;

import floe.expr.Templates;
import floe.model.Command;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A template's Argo {@code oss} artifacts: inputs downloaded before its command, outputs uploaded
 * after it succeeds, each seen by the command at its {@code path} (a file, or a directory when the
 * key ends with {@code /}). The bucket comes from the artifact or the repository
 * ({@code floe.argo.artifacts.oss.bucket}); the endpoint is the run's. Checked at lint (which fields
 * an artifact may have is {@link ArgoFields}' to say).
 */
final class ArgoArtifacts implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One artifact as written, with its path and key still templates. */
    record Spec(String name, String path, String key, String bucket, boolean output, boolean optional, String where)
            implements Serializable {}

    private final List<Spec> specs;

    private ArgoArtifacts(List<Spec> specs) {
        this.specs = List.copyOf(specs);
    }

    static ArgoArtifacts of(ArgoSpec.Template t, String templatePath, ArtifactRepository repo) {
        List<Spec> specs = new ArrayList<>();
        if (t.inputs() != null) {
            read(t.inputs().artifacts(), templatePath + ".inputs.artifacts", false, repo, specs);
        }
        if (t.outputs() != null) {
            read(t.outputs().artifacts(), templatePath + ".outputs.artifacts", true, repo, specs);
        }
        return new ArgoArtifacts(specs);
    }

    /** No artifacts. */
    static ArgoArtifacts none() {
        return new ArgoArtifacts(List.of());
    }

    boolean isEmpty() {
        return specs.isEmpty();
    }

    /**
     * This task's artifacts with {@code vars} filled in; with {@code create}, each gets a fresh
     * file or directory of this machine, mounted at its path (added to {@code mounts}).
     */
    List<Command.Artifact> resolve(Map<String, String> vars, List<Command.Mount> mounts, boolean create) throws IOException {
        List<Command.Artifact> out = new ArrayList<>();
        for (Spec s : specs) {
            String path = Templates.resolve(s.path(), vars, s.where() + ".path");
            String key = Templates.resolve(s.key(), vars, s.where() + ".oss.key");
            if (!path.startsWith("/")) {
                throw new ArgoConverter.ArgoError(s.where() + ".path", "'" + path + "' is not an absolute path in the container");
            }
            if (key.isEmpty() || key.startsWith("/")) {
                throw new ArgoConverter.ArgoError(s.where() + ".oss.key", "'" + key + "' is not an object key (no leading /)");
            }
            boolean directory = key.endsWith("/");
            String host = "-";
            if (create) {
                Path dir = Files.createTempDirectory("floe-artifact-");
                Path p = directory ? dir : Files.createFile(dir.resolve("artifact"));
                host = p.toString();
                mounts.add(new Command.Mount(host, path, !directory));
            }
            out.add(new Command.Artifact(s.name(), "oss://" + s.bucket() + "/" + key, host, s.output(), directory, s.optional()));
        }
        return out;
    }

    private static void read(List<ArgoSpec.Artifact> list, String at, boolean output, ArtifactRepository repo, List<Spec> specs) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String where = at + "[" + i + "]";
            ArgoSpec.Artifact a = list.get(i);
            String name = text(a.name(), where + ".name");
            String path = text(a.path(), where + ".path");
            ArgoSpec.OssArtifact oss = a.oss();
            if (oss == null) {
                throw new ArgoConverter.ArgoError(where, "artifact '" + name + "' has no oss location (Floe stages oss artifacts)");
            }
            String key = text(oss.key(), where + ".oss.key");
            String bucket = oss.bucket() != null ? text(oss.bucket(), where + ".oss.bucket") : repo.bucket();
            if (bucket == null || bucket.isBlank()) {
                throw new ArgoConverter.ArgoError(where + ".oss", "artifact '" + name + "' names no bucket: give oss.bucket, or set"
                        + " floe.argo.artifacts.oss.bucket (the artifact repository)");
            }
            if (oss.endpoint() != null) {
                String endpoint = text(oss.endpoint(), where + ".oss.endpoint");
                if (repo.endpoint() == null || !host(endpoint).equals(host(repo.endpoint()))) {
                    throw new ArgoConverter.ArgoError(where + ".oss.endpoint", "'" + endpoint + "' is not the endpoint of this run ("
                            + (repo.endpoint() == null ? "none set" : repo.endpoint()) + "): set fs.oss.endpoint or OSS_ENDPOINT to it");
                }
            }
            boolean optional = Boolean.TRUE.equals(a.optional());
            if (output) {
                if (a.archive() == null || a.archive().none() == null) {
                    throw new ArgoConverter.ArgoError(where + ".archive", "Floe uploads outputs as they are: add archive: {none: {}}"
                            + " (Argo's default tar.gz archives are not made by Floe yet)");
                }
            } else if (a.archive() != null) {
                throw new ArgoConverter.ArgoError(where + ".archive", "not an input artifact's field");
            }
            specs.add(new Spec(name, path, key, bucket, output, optional, where));
        }
    }

    private static String text(String v, String where) {
        if (v == null || v.isBlank()) {
            throw new ArgoConverter.ArgoError(where, "missing");
        }
        return v;
    }

    private static String host(String endpoint) {
        String h = endpoint.replaceFirst("^[a-zA-Z]+://", "");
        return h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
    }
}

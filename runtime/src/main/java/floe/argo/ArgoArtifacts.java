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
import java.util.Set;

/**
 * A template's Argo {@code oss} artifacts: inputs downloaded before its command, outputs uploaded
 * after it succeeds, each seen by the command at its {@code path} (a file, or a directory when the
 * key ends with {@code /}). The bucket comes from the artifact or the repository
 * ({@code floe.argo.artifacts.oss.bucket}); the endpoint is the run's. Checked at lint: every
 * field Floe does not stage is refused, naming it.
 */
final class ArgoArtifacts implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> FIELDS = Set.of("name", "path", "oss", "optional", "archive");
    private static final Set<String> OSS_FIELDS = Set.of("key", "bucket", "endpoint");

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

    private static void read(List<Map<String, Object>> list, String at, boolean output, ArtifactRepository repo, List<Spec> specs) {
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String where = at + "[" + i + "]";
            Map<String, Object> a = list.get(i);
            for (String field : a.keySet()) {
                if (!FIELDS.contains(field)) {
                    boolean source = Set.of("s3", "gcs", "azure", "hdfs", "http", "git", "raw", "artifactory", "hf").contains(field);
                    throw new ArgoConverter.ArgoError(where + "." + field, source
                            ? "only oss artifacts are staged by Floe" : "not supported by Floe yet (Floe stages name, path, oss, optional, archive)");
                }
            }
            String name = text(a.get("name"), where + ".name");
            String path = text(a.get("path"), where + ".path");
            if (!(a.get("oss") instanceof Map<?, ?> oss)) {
                throw new ArgoConverter.ArgoError(where, "artifact '" + name + "' has no oss location (Floe stages oss artifacts)");
            }
            for (Object field : oss.keySet()) {
                if (!OSS_FIELDS.contains(String.valueOf(field))) {
                    throw new ArgoConverter.ArgoError(where + ".oss." + field, "not supported by Floe (it reaches OSS with the run's"
                            + " credentials: OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET or fs.oss.*)");
                }
            }
            String key = text(oss.get("key"), where + ".oss.key");
            String bucket = oss.get("bucket") != null ? text(oss.get("bucket"), where + ".oss.bucket") : repo.bucket();
            if (bucket == null || bucket.isBlank()) {
                throw new ArgoConverter.ArgoError(where + ".oss", "artifact '" + name + "' names no bucket: give oss.bucket, or set"
                        + " floe.argo.artifacts.oss.bucket (the artifact repository)");
            }
            if (oss.get("endpoint") != null) {
                String endpoint = text(oss.get("endpoint"), where + ".oss.endpoint");
                if (repo.endpoint() == null || !host(endpoint).equals(host(repo.endpoint()))) {
                    throw new ArgoConverter.ArgoError(where + ".oss.endpoint", "'" + endpoint + "' is not the endpoint of this run ("
                            + (repo.endpoint() == null ? "none set" : repo.endpoint()) + "): set fs.oss.endpoint or OSS_ENDPOINT to it");
                }
            }
            boolean optional = a.get("optional") != null && Boolean.parseBoolean(String.valueOf(a.get("optional")));
            if (output) {
                if (!(a.get("archive") instanceof Map<?, ?> archive) || !archive.containsKey("none") || archive.size() != 1) {
                    throw new ArgoConverter.ArgoError(where + ".archive", "Floe uploads outputs as they are: add archive: {none: {}}"
                            + " (Argo's default tar.gz archives are not made by Floe yet)");
                }
            } else if (a.get("archive") != null) {
                throw new ArgoConverter.ArgoError(where + ".archive", "not an input artifact's field");
            }
            specs.add(new Spec(name, path, key, bucket, output, optional, where));
        }
    }

    private static String text(Object v, String where) {
        if (v == null || String.valueOf(v).isBlank()) {
            throw new ArgoConverter.ArgoError(where, "missing");
        }
        if (v instanceof Map || v instanceof List) {
            throw new ArgoConverter.ArgoError(where, "must be a string, got " + v);
        }
        return String.valueOf(v);
    }

    private static String host(String endpoint) {
        String h = endpoint.replaceFirst("^[a-zA-Z]+://", "");
        return h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
    }
}

package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.expr.Templates;
import floe.model.Command;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an artifact lives, as one text that Argo's variables can carry from step to step
 * ({@code {{steps.X.outputs.artifacts.Y}}}, {@code {{inputs.artifacts.NAME}}}): a URI (an object
 * store's, an HTTP URL, a {@code data:} URI for raw text, {@code git+URL} for a repository),
 * followed, when it has any, by its options ({@code #floe:revision=v1&depth=1}).
 */
record ArtifactLocation(String uri, Map<String, String> options) {
    private static final String OPTIONS = "#floe:";

    ArtifactLocation {
        options = new TreeMap<>(options);
    }

    /** The location as a variable's text. */
    String text() {
        return Command.Artifact.locationText(uri, options);
    }

    static ArtifactLocation parse(String text) {
        int at = text.indexOf(OPTIONS);
        if (at < 0) {
            return new ArtifactLocation(text, Map.of());
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : text.substring(at + OPTIONS.length()).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                options.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return new ArtifactLocation(text.substring(0, at), options);
    }

    /**
     * The location an artifact's spec gives ({@code oss}, {@code http}, {@code git} or {@code raw},
     * its templates filled in from {@code vars}), or null when it gives none.
     */
    static ArtifactLocation of(ArgoSpec.Artifact a, String where, Map<String, String> vars, ArtifactRepository repo) {
        ArtifactLocation own = own(a, where, vars, repo);
        return own == null || a.subPath() == null ? own : own.part(Templates.resolve(a.subPath(), vars, where + ".subPath"), where + ".subPath");
    }

    /**
     * The part {@code subPath} of this artifact: an object or a directory under a directory of an
     * object store (an artifact stored as it is, {@code archive: none}), or of a Git repository.
     */
    ArtifactLocation part(String subPath, String where) {
        String rel = subPath.startsWith("/") ? subPath.substring(1) : subPath;
        if (rel.isEmpty()) {
            return this;
        }
        if (rel.contains("..")) {
            throw new ArgoError(where, "'" + subPath + "' leaves the artifact");
        }
        if (uri.startsWith("git+")) {
            Map<String, String> more = new TreeMap<>(options);
            more.put("sub-path", rel);
            return new ArtifactLocation(uri, more);
        }
        if (uri.startsWith("data:") || uri.startsWith("http://") || uri.startsWith("https://")) {
            throw new ArgoError(where, "'" + subPath + "': a part of an http or raw artifact cannot be taken; fetch it whole");
        }
        if (!uri.endsWith("/")) {
            throw new ArgoError(where, "'" + subPath + "': " + uri + " is one object (an archive): a part is taken from an"
                    + " artifact stored as a directory (archive: none)");
        }
        return new ArtifactLocation(uri + rel, options);
    }

    private static ArtifactLocation own(ArgoSpec.Artifact a, String where, Map<String, String> vars, ArtifactRepository repo) {
        if (a.oss() != null) {
            String key = Templates.resolve(a.oss().key(), vars, where + ".oss.key");
            if (key.isEmpty() || key.startsWith("/")) {
                throw new ArgoError(where + ".oss.key", "'" + key + "' is not an object key (no leading /)");
            }
            String bucket = a.oss().bucket() != null ? Templates.resolve(a.oss().bucket(), vars, where + ".oss.bucket") : repo.bucket();
            boolean keyOnly = a.oss().bucket() == null && a.oss().endpoint() == null && a.oss().accessKeySecret() == null;
            return new ArtifactLocation("oss://" + bucket + "/" + key, keyOnly && repo.root().equals("oss://" + bucket + "/")
                    ? repo.rootOptions() : S3Options.oss(a.oss(), repo, where + ".oss"));
        }
        if (a.s3() != null) {
            String key = Templates.resolve(a.s3().key(), vars, where + ".s3.key");
            if (key.startsWith("/")) {
                throw new ArgoError(where + ".s3.key", "'" + key + "' is not an object key (no leading /)");
            }
            if (a.s3().bucket() == null) {
                // A key-only artifact: in the repository's bucket, reached as the repository is.
                ArgoSpec.S3Artifact s3 = a.s3();
                if (s3.endpoint() != null || s3.region() != null || s3.insecure() != null || s3.accessKeySecret() != null
                        || s3.secretKeySecret() != null || s3.sessionTokenSecret() != null || s3.useSDKCreds() != null
                        || s3.addressingStyle() != null) {
                    throw new ArgoError(where + ".s3", "artifact '" + a.name() + "' names no bucket, so it is a key of the artifact"
                            + " repository, reached as the repository is: give s3.bucket too, or only s3.key");
                }
                // Argo's key is in the S3 repository's bucket; in another kind of repository, under its root.
                String bucket = repo.s3Bucket();
                return new ArtifactLocation((bucket == null ? repo.root() : "s3://" + bucket + "/") + key, repo.rootOptions());
            }
            String bucket = repo.s3BucketNamed(Templates.resolve(a.s3().bucket(), vars, where + ".s3.bucket"));
            return new ArtifactLocation("s3://" + bucket + "/" + key, S3Options.of(a.s3(), repo, where + ".s3"));
        }
        if (a.http() != null) {
            Map<String, String> headers = new TreeMap<>();
            if (a.http().headers() != null) {
                for (int i = 0; i < a.http().headers().size(); i++) {
                    ArgoSpec.Header h = a.http().headers().get(i);
                    headers.put("header." + h.name(), Templates.resolve(h.value() == null ? "" : h.value(), vars,
                            where + ".http.headers[" + i + "].value"));
                }
            }
            String url = Templates.resolve(a.http().url(), vars, where + ".http.url");
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new ArgoError(where + ".http.url", "'" + url + "' is not an http:// or https:// URL");
            }
            return new ArtifactLocation(url, headers);
        }
        if (a.git() != null) {
            ArgoSpec.GitArtifact g = a.git();
            Map<String, String> options = new TreeMap<>();
            if (g.revision() != null) {
                options.put("revision", Templates.resolve(g.revision(), vars, where + ".git.revision"));
            }
            if (g.branch() != null) {
                options.put("branch", Templates.resolve(g.branch(), vars, where + ".git.branch"));
            }
            if (g.depth() != null && g.depth() > 0) {
                options.put("depth", Integer.toString(g.depth()));
            }
            if (Boolean.TRUE.equals(g.singleBranch())) {
                options.put("single-branch", "true");
            }
            if (Boolean.TRUE.equals(g.disableSubmodules())) {
                options.put("submodules", "false");
            }
            if (g.fetch() != null && !g.fetch().isEmpty()) {
                options.put("fetch", String.join("\n", g.fetch()));
            }
            String repoUrl = Templates.resolve(g.repo(), vars, where + ".git.repo");
            if (repoUrl.startsWith("git@") || repoUrl.startsWith("ssh://")) {
                throw new ArgoError(where + ".git.repo", "'" + repoUrl + "': cloning over ssh is not supported by"
                        + " Floe yet: give the repository's https URL");
            }
            return new ArtifactLocation("git+" + repoUrl, options);
        }
        if (a.raw() != null) {
            String data = Templates.resolve(a.raw().data() == null ? "" : a.raw().data(), vars, where + ".raw.data");
            return new ArtifactLocation("data:," + encode(data), Map.of());
        }
        return null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

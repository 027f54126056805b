package floe.argo;

import floe.expr.Templates;

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
        if (options.isEmpty()) {
            return uri;
        }
        StringBuilder out = new StringBuilder(uri).append(OPTIONS);
        options.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == ':' ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        return out.toString();
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
            throw new ArgoConverter.ArgoError(where, "'" + subPath + "' leaves the artifact");
        }
        if (uri.startsWith("git+")) {
            Map<String, String> more = new TreeMap<>(options);
            more.put("sub-path", rel);
            return new ArtifactLocation(uri, more);
        }
        if (uri.startsWith("data:") || uri.startsWith("http://") || uri.startsWith("https://")) {
            throw new ArgoConverter.ArgoError(where, "'" + subPath + "': a part of an http or raw artifact cannot be taken; fetch it whole");
        }
        if (!uri.endsWith("/")) {
            throw new ArgoConverter.ArgoError(where, "'" + subPath + "': " + uri + " is one object (an archive): a part is taken from an"
                    + " artifact stored as a directory (archive: none)");
        }
        return new ArtifactLocation(uri + rel, options);
    }

    private static ArtifactLocation own(ArgoSpec.Artifact a, String where, Map<String, String> vars, ArtifactRepository repo) {
        if (a.oss() != null) {
            String key = Templates.resolve(a.oss().key(), vars, where + ".oss.key");
            if (key.isEmpty() || key.startsWith("/")) {
                throw new ArgoConverter.ArgoError(where + ".oss.key", "'" + key + "' is not an object key (no leading /)");
            }
            String bucket = a.oss().bucket() != null ? Templates.resolve(a.oss().bucket(), vars, where + ".oss.bucket") : repo.bucket();
            return new ArtifactLocation("oss://" + bucket + "/" + key, Map.of());
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
                throw new ArgoConverter.ArgoError(where + ".http.url", "'" + url + "' is not an http:// or https:// URL");
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
                throw new ArgoConverter.ArgoError(where + ".git.repo", "'" + repoUrl + "': cloning over ssh is not supported by"
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

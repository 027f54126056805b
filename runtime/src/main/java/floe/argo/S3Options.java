package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.model.Command;

import java.util.Map;
import java.util.TreeMap;

/**
 * How an object store artifact is reached, as options of its location ({@code Command.Artifact.STORE_*}):
 * the endpoint, region and addressing of an {@code s3} artifact or repository (Argo's fields), and
 * the files of the secret keys that hold its credentials ({@code accessKeySecret},
 * {@code secretKeySecret}, {@code sessionTokenSecret}, read from {@code --secret NAME=DIR} when the
 * transfer starts). Without a secret an S3 artifact takes {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY} of the TaskManager's environment ({@code useSDKCreds}: whatever the
 * AWS SDK finds).
 */
final class S3Options {
    /** Where a lint stands in for a secret not given; nothing is read there. */
    private static final String UNGIVEN = "/nonexistent/floe-not-given/secret-";

    private S3Options() {}

    /** The options of an {@code s3} artifact's location; {@code where}: its spec path ({@code ...s3}). */
    static Map<String, String> of(ArgoSpec.S3Artifact s3, ArtifactRepository repo, String where) {
        return of(repo, s3.endpoint(), s3.region(), s3.insecure(), s3.addressingStyle(), s3.accessKeySecret(), s3.secretKeySecret(),
                s3.sessionTokenSecret(), s3.useSDKCreds(), where);
    }

    static Map<String, String> of(ArtifactRepository repo, String endpoint, String region, Boolean insecure, String addressingStyle,
            ArgoSpec.SecretKeySelector access, ArgoSpec.SecretKeySelector secret, ArgoSpec.SecretKeySelector token, Boolean sdk,
            String where) {
        Map<String, String> out = new TreeMap<>();
        String url = repo.s3Endpoint() != null ? url(repo.s3Endpoint(), false) : endpoint == null || endpoint.isBlank() ? null
                : url(endpoint, Boolean.TRUE.equals(insecure));
        if (url != null) {
            out.put(Command.Artifact.STORE_ENDPOINT, url);
        }
        if (region != null && !region.isBlank()) {
            out.put(Command.Artifact.STORE_REGION, region);
        }
        String style = addressingStyle == null ? "auto" : addressingStyle.toLowerCase(java.util.Locale.ROOT);
        boolean pathStyle = switch (style) {
            case "path" -> true;
            case "virtual" -> false;
            case "auto", "" -> url != null && !host(url).endsWith("amazonaws.com"); // as Argo's client: virtual hosts on AWS only
            default -> throw new ArgoError(where + ".addressingStyle", "'" + addressingStyle + "' is not an addressing style (auto, path, virtual)");
        };
        if (pathStyle) {
            out.put(Command.Artifact.STORE_PATH_STYLE, "true");
        }
        if ((access == null) != (secret == null)) {
            throw new ArgoError(where + (access == null ? ".accessKeySecret" : ".secretKeySecret"), "give both accessKeySecret and"
                    + " secretKeySecret, or neither (credentials from the environment)");
        }
        if (Boolean.TRUE.equals(sdk)) {
            if (access != null) {
                throw new ArgoError(where + ".useSDKCreds", "give useSDKCreds or accessKeySecret and secretKeySecret, not both");
            }
            out.put(Command.Artifact.STORE_SDK_CREDENTIALS, "true");
        }
        if (access != null) {
            out.put(Command.Artifact.STORE_ACCESS_KEY_FILE, file(access, repo, where + ".accessKeySecret"));
            out.put(Command.Artifact.STORE_SECRET_KEY_FILE, file(secret, repo, where + ".secretKeySecret"));
            out.put(Command.Artifact.STORE_CREDENTIALS, "secret '" + access.name() + "' key '" + access.key() + "'"
                    + (secret.name().equals(access.name()) ? " and key '" : " and secret '" + secret.name() + "' key '") + secret.key() + "'");
        }
        if (token != null) {
            out.put(Command.Artifact.STORE_SESSION_TOKEN_FILE, file(token, repo, where + ".sessionTokenSecret"));
        }
        return out;
    }

    /** The options of an {@code oss} artifact that names its own endpoint or credentials; none when it names neither. */
    static Map<String, String> oss(ArgoSpec.OssArtifact oss, ArtifactRepository repo, String where) {
        Map<String, String> out = new TreeMap<>();
        if ((oss.accessKeySecret() == null) != (oss.secretKeySecret() == null)) {
            throw new ArgoError(where + (oss.accessKeySecret() == null ? ".accessKeySecret" : ".secretKeySecret"), "give both"
                    + " accessKeySecret and secretKeySecret, or neither (the run's credentials)");
        }
        boolean ownEndpoint = oss.endpoint() != null && !ArtifactRepositories.sameEndpoint(oss.endpoint(), repo.endpoint());
        if (oss.accessKeySecret() == null && !ownEndpoint) {
            return out;
        }
        String endpoint = oss.endpoint() != null ? oss.endpoint() : repo.endpoint();
        if (endpoint == null) {
            throw new ArgoError(where + ".endpoint", "artifact names no endpoint and the run has none: give oss.endpoint, or set"
                    + " fs.oss.endpoint or OSS_ENDPOINT");
        }
        out.put(Command.Artifact.STORE_ENDPOINT, url(endpoint, false));
        if (oss.accessKeySecret() != null) {
            out.put(Command.Artifact.STORE_ACCESS_KEY_FILE, file(oss.accessKeySecret(), repo, where + ".accessKeySecret"));
            out.put(Command.Artifact.STORE_SECRET_KEY_FILE, file(oss.secretKeySecret(), repo, where + ".secretKeySecret"));
            out.put(Command.Artifact.STORE_CREDENTIALS, "secret '" + oss.accessKeySecret().name() + "' keys '"
                    + oss.accessKeySecret().key() + "', '" + oss.secretKeySecret().key() + "'");
        }
        return out;
    }

    /** When checking, a notice for each secret an artifact names that is not given ({@code --secret NAME=DIR}). */
    static void noticeUngiven(ArtifactRepository repo, LocalResources.Notices notices, String where, ArgoSpec.SecretKeySelector... refs) {
        if (!repo.checking()) {
            return;
        }
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (ArgoSpec.SecretKeySelector ref : refs) {
            if (ref != null && ref.name() != null && !repo.secrets().containsKey(ref.name()) && named.add(ref.name())) {
                notices.notice(where, "to run: the secret '" + ref.name() + "' needs its files on this machine: --secret " + ref.name()
                        + "=DIR (a file per key)");
            }
        }
    }

    /** The file of a secret's key: {@code --secret NAME=DIR} gives the directory, a file per key. */
    private static String file(ArgoSpec.SecretKeySelector ref, ArtifactRepository repo, String where) {
        if (ref.name() == null || ref.name().isBlank() || ref.key() == null || ref.key().isBlank()) {
            throw new ArgoError(where, "give the secret's name and key");
        }
        if (ref.key().contains("/") || ref.key().startsWith(".")) {
            throw new ArgoError(where + ".key", "'" + ref.key() + "' is not a key of a secret");
        }
        String dir = repo.secrets().get(ref.name());
        if (dir == null) {
            if (repo.checking()) {
                return UNGIVEN + ref.name() + "/" + ref.key();
            }
            throw new ArgoError(where, "the secret '" + ref.name() + "' needs its files on this machine: --secret " + ref.name()
                    + "=DIR (a file per key; this artifact reads key '" + ref.key() + "')");
        }
        return java.nio.file.Path.of(dir).resolve(ref.key()).toString();
    }

    /** An endpoint as a URL: Argo's are host[:port], over https unless {@code insecure}. */
    private static String url(String endpoint, boolean insecure) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return e.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") ? e : (insecure ? "http://" : "https://") + e;
    }

    private static String host(String url) {
        String h = url.replaceFirst("^[a-zA-Z]+://", "");
        int slash = h.indexOf('/');
        h = slash < 0 ? h : h.substring(0, slash);
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}

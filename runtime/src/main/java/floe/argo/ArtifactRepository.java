package floe.argo;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where Argo artifacts go when a workflow does not say (Argo's artifact repository), and how this
 * machine reaches the stores artifacts name: an output artifact with no location is stored under
 * {@code root} (with {@code rootOptions}: an S3 repository's endpoint and credentials) at
 * {@code keyFormat} (Argo's variables) and its file name ({@code NAME.tgz} as Argo names a gzipped
 * tar); an {@code oss} artifact that names only a key is in {@code bucket}, reached at
 * {@code endpoint} ({@code fs.oss.endpoint}); an {@code s3} one that names only a key is in the
 * bucket of an {@code s3://} root. {@code s3Endpoint}, when set, is the endpoint of every S3
 * artifact whatever it names, and {@code s3Buckets} renames buckets (so Argo's examples, which
 * name {@code s3.amazonaws.com} and {@code my-bucket}, run against a local store unchanged);
 * {@code secrets} are the directories of {@code --secret NAME=DIR}, where artifact credentials are
 * read; {@code checking}: a lint, where a secret not given is a stand-in.
 * Any of the texts may be null: {@code root} is then {@code oss://BUCKET/} when a bucket is set, else
 * {@code .floe/artifacts} in the user's home directory; {@code keyFormat} is {@link #DEFAULT_KEY_FORMAT}.
 */
public record ArtifactRepository(String bucket, String endpoint, String root, String keyFormat, Map<String, String> rootOptions,
        String s3Endpoint, Map<String, String> s3Buckets, Map<String, String> secrets, boolean checking) implements Serializable {
    /**
     * Argo's default key ({@code {{workflow.name}}/{{pod.name}}}) with the run's uid between: a
     * Floe run keeps the workflow's name as written (generateName is not made unique).
     */
    public static final String DEFAULT_KEY_FORMAT = "{{workflow.name}}/{{workflow.uid}}/{{pod.name}}";

    public ArtifactRepository {
        if (root == null || root.isBlank()) {
            root = bucket != null && !bucket.isBlank() ? "oss://" + bucket + "/"
                    : java.nio.file.Path.of(System.getProperty("user.home"), ".floe", "artifacts").toUri().toString();
        }
        root = root.endsWith("/") ? root : root + "/";
        keyFormat = keyFormat == null || keyFormat.isBlank() ? DEFAULT_KEY_FORMAT : keyFormat;
        rootOptions = new TreeMap<>(rootOptions == null ? Map.of() : rootOptions);
        s3Endpoint = s3Endpoint == null || s3Endpoint.isBlank() ? null : s3Endpoint;
        s3Buckets = new TreeMap<>(s3Buckets == null ? Map.of() : s3Buckets);
        secrets = new TreeMap<>(secrets == null ? Map.of() : secrets);
    }

    public ArtifactRepository(String bucket, String endpoint, String root, String keyFormat) {
        this(bucket, endpoint, root, keyFormat, Map.of(), null, Map.of(), Map.of(), false);
    }

    public ArtifactRepository(String bucket, String endpoint) {
        this(bucket, endpoint, null, null);
    }

    public static ArtifactRepository none() {
        return new ArtifactRepository(null, null);
    }

    /** This repository with the S3 settings of the run: the endpoint of every S3 artifact (null: their own), buckets renamed. */
    public ArtifactRepository withS3(String newS3Endpoint, Map<String, String> buckets) {
        ArtifactRepository r = new ArtifactRepository(bucket, endpoint, root, keyFormat, rootOptions, newS3Endpoint, buckets, secrets, checking);
        return r.root.startsWith("s3://") && r.rootOptions.isEmpty() ? r.withRoot(r.root, S3Options.of(r, null, null, null, null,
                null, null, null, null, "floe.argo.artifacts.repository")) : r;
    }

    /** This repository where the secrets of {@code --secret} are, as a run ({@code checking} false) or a lint reads them. */
    ArtifactRepository withSecrets(Map<String, String> dirs, boolean check) {
        return new ArtifactRepository(bucket, endpoint, root, keyFormat, rootOptions, s3Endpoint, s3Buckets, dirs, check);
    }

    /** This repository storing at another root (an OSS bucket's, or an S3 one's with the options that reach it). */
    ArtifactRepository withRoot(String newRoot, Map<String, String> options) {
        return new ArtifactRepository(bucket, endpoint, newRoot, keyFormat, options, s3Endpoint, s3Buckets, secrets, checking);
    }

    /** This repository with another key format (null: as it is). */
    ArtifactRepository withKeyFormat(String format) {
        return format == null ? this
                : new ArtifactRepository(bucket, endpoint, root, format, rootOptions, s3Endpoint, s3Buckets, secrets, checking);
    }

    /** The bucket of S3 artifacts that give only a key: the root's when it is an S3 one, else null. */
    String s3Bucket() {
        if (!root.startsWith("s3://")) {
            return null;
        }
        String rest = root.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** A bucket as this run reaches it ({@code s3Buckets} renames it). */
    String s3BucketNamed(String name) {
        return s3Buckets.getOrDefault(name, name);
    }
}

package floe.argo;

import java.io.Serializable;

/**
 * Where Argo artifacts go when a workflow does not say (Argo's artifact repository): an output
 * artifact with no location is stored under {@code root} at {@code keyFormat} (Argo's variables)
 * and its file name ({@code NAME.tgz} as Argo names a gzipped tar); an {@code oss} artifact that
 * names only a key is in {@code bucket}, reached at {@code endpoint} ({@code fs.oss.endpoint}).
 * Any of them may be null: {@code root} is then {@code oss://BUCKET/} when a bucket is set, else
 * {@code .floe/artifacts} in the user's home directory; {@code keyFormat} is {@link #DEFAULT_KEY_FORMAT}.
 */
public record ArtifactRepository(String bucket, String endpoint, String root, String keyFormat) implements Serializable {
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
    }

    public ArtifactRepository(String bucket, String endpoint) {
        this(bucket, endpoint, null, null);
    }

    public static ArtifactRepository none() {
        return new ArtifactRepository(null, null);
    }
}

package floe.argo;

import java.io.Serializable;

/**
 * Where Argo {@code oss} artifacts live when a workflow names only their key (Argo's artifact
 * repository): the default bucket, and the OSS endpoint this run reaches ({@code fs.oss.endpoint}).
 * Either may be null.
 */
public record ArtifactRepository(String bucket, String endpoint) implements Serializable {
    public static ArtifactRepository none() {
        return new ArtifactRepository(null, null);
    }
}

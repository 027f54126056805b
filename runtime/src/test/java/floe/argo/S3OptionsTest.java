package floe.argo;

import floe.model.Command;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How an s3 artifact's fields become the options of its location: endpoint, addressing, the secret's files. */
class S3OptionsTest {
    private static final ArgoSpec.SecretKeySelector ACCESS = new ArgoSpec.SecretKeySelector("creds", "accessKey");
    private static final ArgoSpec.SecretKeySelector SECRET = new ArgoSpec.SecretKeySelector("creds", "secretKey");

    private static ArtifactRepository repo(String s3Endpoint, boolean checking) {
        return ArtifactRepository.none().withS3(s3Endpoint, Map.of("my-bucket", "local")).withSecrets(Map.of("creds", "/etc/creds"), checking);
    }

    private static ArgoSpec.S3Artifact s3(String bucket, String endpoint, Boolean insecure, ArgoSpec.SecretKeySelector a,
            ArgoSpec.SecretKeySelector s) {
        return new ArgoSpec.S3Artifact("k/v.tgz", bucket, endpoint, null, insecure, null, a, s, null, null);
    }

    private static ArgoSpec.Artifact artifact(ArgoSpec.S3Artifact s3) {
        return new ArgoSpec.Artifact("a", "/a", null, s3, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void anArgoEndpointIsHttpsUnlessInsecureAndOutsideAwsBucketsGoInThePath() {
        assertThat(S3Options.of(s3("b", "minio:9000", true, ACCESS, SECRET), repo(null, false), "s3"))
                .containsEntry(Command.Artifact.STORE_ENDPOINT, "http://minio:9000")
                .containsEntry(Command.Artifact.STORE_PATH_STYLE, "true")
                .containsEntry(Command.Artifact.STORE_ACCESS_KEY_FILE, "/etc/creds/accessKey")
                .containsEntry(Command.Artifact.STORE_SECRET_KEY_FILE, "/etc/creds/secretKey");
        assertThat(S3Options.of(s3("b", "s3.amazonaws.com", null, null, null), repo(null, false), "s3"))
                .containsEntry(Command.Artifact.STORE_ENDPOINT, "https://s3.amazonaws.com")
                .doesNotContainKey(Command.Artifact.STORE_PATH_STYLE)
                .doesNotContainKey(Command.Artifact.STORE_ACCESS_KEY_FILE);
    }

    @Test
    void theRunsEndpointReplacesTheArtifactsAndBucketsAreRenamed() {
        ArtifactRepository r = repo("http://127.0.0.1:9000", false);
        ArtifactLocation at = ArtifactLocation.of(artifact(s3("my-bucket", "s3.amazonaws.com", null, ACCESS, SECRET)), "a", Map.of(), r);

        assertThat(at.uri()).isEqualTo("s3://local/k/v.tgz");
        assertThat(at.options()).containsEntry(Command.Artifact.STORE_ENDPOINT, "http://127.0.0.1:9000")
                .containsEntry(Command.Artifact.STORE_PATH_STYLE, "true");
        assertThat(ArtifactLocation.parse(at.text())).isEqualTo(at);
    }

    @Test
    void aKeyOnlyArtifactIsAKeyOfTheRepository() {
        ArtifactRepository s3Repo = repo("http://127.0.0.1:9000", false).withRoot("s3://repo/prefix/", Map.of("endpoint", "http://x"));
        ArtifactLocation at = ArtifactLocation.of(artifact(new ArgoSpec.S3Artifact("my-file", null, null, null, null, null, null, null,
                null, null)), "a", Map.of(), s3Repo);
        assertThat(at.uri()).isEqualTo("s3://repo/my-file");
        assertThat(at.options()).isEqualTo(Map.of("endpoint", "http://x"));

        ArtifactLocation local = ArtifactLocation.of(artifact(new ArgoSpec.S3Artifact("my-file", null, null, null, null, null, null, null,
                null, null)), "a", Map.of(), ArtifactRepository.none());
        assertThat(local.uri()).isEqualTo(ArtifactRepository.none().root() + "my-file");
    }

    @Test
    void aSecretNotGivenIsAnErrorWhenRunningAndAStandInWhenLinting() {
        ArgoSpec.SecretKeySelector other = new ArgoSpec.SecretKeySelector("other", "id");
        assertThatThrownBy(() -> S3Options.of(s3("b", null, null, other, SECRET), repo(null, false), "x.s3"))
                .hasMessageContaining("x.s3.accessKeySecret")
                .hasMessageContaining("the secret 'other' needs its files on this machine: --secret other=DIR");
        assertThat(S3Options.of(s3("b", null, null, other, SECRET), repo(null, true), "x.s3"))
                .containsEntry(Command.Artifact.STORE_ACCESS_KEY_FILE, "/nonexistent/floe-not-given/secret-other/id");
    }
}

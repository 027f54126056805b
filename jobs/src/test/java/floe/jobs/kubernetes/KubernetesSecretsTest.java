package floe.jobs.kubernetes;

import floe.SpecException;
import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** OSS credentials reach the pods from a Secret, by reference: no object Floe makes holds one. */
class KubernetesSecretsTest {
    static final String SECRET = "Zq9-known-oss-secret-7f3c";
    static final String KEY_ID = "LTAI-known-key-id-42";

    @TempDir
    Path tmp;

    TestingKubernetesApi kube;
    final StringWriter printed = new StringWriter();

    @BeforeEach
    void startApiWithTheSecret() {
        kube = TestingKubernetesApi.start(tmp, "batch");
        // As `kubectl create secret generic oss-credentials ...` leaves it.
        kube.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("oss-credentials").endMetadata()
                .addToData("access-key-id", base64(KEY_ID))
                .addToData("access-key-secret", base64(SECRET))
                .build()).create();
    }

    @AfterEach
    void stopApi() {
        kube.close();
    }

    Configuration conf(String clusterId, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "kubernetes.config.file", kube.kubeconfig().toString(),
                "kubernetes.namespace", kube.namespace(),
                "kubernetes.cluster-id", clusterId));
        settings.putAll(extra);
        return KubernetesConf.load(KubernetesDeploymentTest.CONF, settings);
    }

    int submit(KubernetesTarget target, Configuration conf) {
        return KubernetesSubmit.submit(target, KubernetesDeploymentTest.sizedWorkflow(), conf, new PrintWriter(printed, true));
    }

    @Test
    void noCreatedObjectHoldsTheSecret() throws Exception {
        assertThat(submit(KubernetesTarget.APPLICATION, conf("app", Map.of()))).isZero();
        TaskManagerPods.request(kube, "app");
        TaskManagerPods.fromTemplate(kube, "app", tmp);
        try {
            submit(KubernetesTarget.SESSION, conf("floe-session", Map.of()));
        } catch (floe.FloeException expected) {
            // The session is created; the submission needs the packaged jar (see KubernetesDeploymentTest).
        }

        List<HasMetadata> objects = kube.objects();
        // Two JobManager Deployments, their ConfigMaps and Services, and the two TaskManager pods.
        assertThat(objects).extracting(o -> o.getKind()).contains("Deployment", "ConfigMap", "Service", "Pod");
        assertThat(objects.stream().filter(o -> o.getKind().equals("Pod"))).hasSize(2);
        for (HasMetadata o : objects) {
            String json = Serialization.asJson(o);
            assertThat(json).as(o.getKind() + " " + o.getMetadata().getName())
                    .doesNotContain(SECRET).doesNotContain(base64(SECRET))
                    .doesNotContain(KEY_ID).doesNotContain(base64(KEY_ID));
        }
        assertThat(printed.toString()).doesNotContain(SECRET).doesNotContain(KEY_ID);
    }

    @Test
    void credentialsInTheFlinkConfigurationAreRefusedBeforeAnythingIsCreated() {
        for (String key : List.of("fs.oss.accessKeySecret", "fs.oss.accessKeyId", "s3.secret-key", "floe.oss.secret")) {
            SpecException e = assertThrows(SpecException.class,
                    () -> submit(KubernetesTarget.APPLICATION, conf("refused", Map.of(key, SECRET))));
            assertThat(e.getMessage()).startsWith(key + ": credentials do not go in the Flink configuration")
                    .contains("Secret").doesNotContain(SECRET);
        }
        assertThat(kube.objects()).isEmpty();
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}

package floe.testutils;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode (objects created are
 * stored and can be read, listed and watched) on a free loopback port, and a kubeconfig file
 * pointing at it. Flink's Kubernetes client is shaded inside flink-kubernetes, so Flink reaches it
 * the way it reaches a real cluster: through {@code kubernetes.config.file}.
 */
public final class TestingKubernetesApi implements AutoCloseable {
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Path kubeconfig;
    private final String namespace;

    private TestingKubernetesApi(KubernetesMockServer server, Path kubeconfig, String namespace) {
        this.server = server;
        this.kubeconfig = kubeconfig;
        this.namespace = namespace;
        this.client = server.createClient().inNamespace(namespace);
    }

    /** Starts a server; the kubeconfig (in {@code dir}) has {@code namespace} as its default. */
    public static TestingKubernetesApi start(Path dir, String namespace) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(), false);
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, String.format("""
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: mock
                        cluster:
                          server: http://%s:%d
                    contexts:
                      - name: mock
                        context:
                          cluster: mock
                          namespace: %s
                          user: tester
                    current-context: mock
                    users:
                      - name: tester
                        user: {}
                    """, InetAddress.getLoopbackAddress().getHostAddress(), server.getPort(), namespace));
            return new TestingKubernetesApi(server, kubeconfig, namespace);
        } catch (IOException e) {
            server.destroy();
            throw new UncheckedIOException(e);
        }
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String namespace() {
        return namespace;
    }

    /** A client of the server (fabric8, unshaded) to read what was created. */
    public NamespacedKubernetesClient client() {
        return client;
    }

    /** Every Deployment, ConfigMap, Service and Pod in the namespace. */
    public List<HasMetadata> objects() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.apps().deployments().list().getItems());
        all.addAll(client.configMaps().list().getItems());
        all.addAll(client.services().list().getItems());
        all.addAll(client.pods().list().getItems());
        return all;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}

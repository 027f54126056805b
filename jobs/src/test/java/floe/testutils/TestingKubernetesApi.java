package floe.testutils;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private final Set<String> forbidden;

    private TestingKubernetesApi(KubernetesMockServer server, Path kubeconfig, String namespace, Set<String> forbidden) {
        this.server = server;
        this.forbidden = forbidden;
        this.kubeconfig = kubeconfig;
        this.namespace = namespace;
        this.client = server.createClient().inNamespace(namespace);
    }

    /** Starts a server; the kubeconfig (in {@code dir}) has {@code namespace} as its default. */
    public static TestingKubernetesApi start(Path dir, String namespace) {
        Set<String> forbidden = ConcurrentHashMap.newKeySet();
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new ApiServerRules(new KubernetesCrudDispatcher(), forbidden), false);
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
            return new TestingKubernetesApi(server, kubeconfig, namespace, forbidden);
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

    /**
     * From now on every request in {@code namespace} is answered 403 Forbidden, with the Status a
     * real API server gives a service account that has no role there.
     */
    public void forbid(String namespace) {
        forbidden.add(namespace);
    }

    /** Undoes {@link #forbid}: the namespace's objects can be read again (to check that none was left). */
    public void allow(String namespace) {
        forbidden.remove(namespace);
    }

    /**
     * What the real API server does before it stores an object, which the CRUD store does not:
     * answers requests in forbidden namespaces as RBAC does, and gives a NodePort or LoadBalancer
     * Service its node ports and a status when it is created (Flink's client reads the REST
     * endpoint right after creating it). The rest goes to the CRUD store.
     */
    private static final class ApiServerRules extends Dispatcher {
        private static final Pattern SERVICES = Pattern.compile("/api/v1/namespaces/[^/]+/services/?(?:\\?.*)?");
        private static final Pattern NAMESPACED = Pattern.compile("/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/([^/]+)/([^/?]+).*");
        private final Dispatcher store;
        private final Set<String> forbidden;

        ApiServerRules(Dispatcher store, Set<String> forbidden) {
            this.store = store;
            this.forbidden = forbidden;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Matcher m = NAMESPACED.matcher(request.getPath());
            if (!m.matches() || !forbidden.contains(m.group(2))) {
                if ("POST".equals(request.getMethod()) && SERVICES.matcher(request.getPath()).matches()) {
                    return store.dispatch(withNodePorts(request));
                }
                return store.dispatch(request);
            }
            String group = m.group(1) == null ? "" : m.group(1);
            String resource = m.group(3) + (group.isEmpty() ? "" : "." + group);
            String verb = switch (request.getMethod()) {
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "get";
            };
            String message = resource + " is forbidden: User \\\"system:serviceaccount:default:floe-flink\\\" cannot " + verb
                    + " resource \\\"" + m.group(3) + "\\\" in API group \\\"" + group + "\\\" in the namespace \\\"" + m.group(2) + "\\\"";
            return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                    + "\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"Forbidden\","
                    + "\"details\":{\"kind\":\"" + m.group(3) + "\",\"group\":\"" + group + "\"},\"code\":403}");
        }
    }

    /** A Service create request whose NodePort or LoadBalancer ports got node ports, and the Service a status. */
    private static RecordedRequest withNodePorts(RecordedRequest request) {
        // getBytes, not getUtf8Body: reading the body empties it, and an unchanged request goes on as it came.
        Service service = Serialization.unmarshal(new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8), Service.class);
        String type = service.getSpec() == null ? null : service.getSpec().getType();
        if (!"NodePort".equals(type) && !"LoadBalancer".equals(type)) {
            return request;
        }
        for (ServicePort p : service.getSpec().getPorts()) {
            if (p.getNodePort() == null) {
                // One node, where every pod is 127.0.0.1: the node port is the pod's port.
                p.setNodePort(p.getTargetPort() != null && p.getTargetPort().getIntVal() != null ? p.getTargetPort().getIntVal() : p.getPort());
            }
        }
        // No load balancer here: clients use the node's address and the node port.
        service.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().endLoadBalancer().build());
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
                new Buffer(Serialization.asJson(service).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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

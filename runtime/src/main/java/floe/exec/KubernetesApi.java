package floe.exec;

import floe.FloeException;
import floe.SpecException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.Config;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.http.HttpRequest;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.http.HttpResponse;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kubernetes API server, reached with the cluster, user and namespace of a kubeconfig file,
 * through the fabric8 client Flink's Kubernetes support ships (shaded inside {@code
 * flink-kubernetes}, on every Floe classpath): one client version for Flink's deployments and
 * Floe's objects. Objects are plain JSON ({@link JsonNode}) sent to the resource paths kubectl uses,
 * so any kind works, built in or custom. The kubeconfig is read when a connection is made: its
 * credentials are never logged, shown or put in a message.
 */
public final class KubernetesApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kinds that live outside namespaces, for servers that do not answer discovery. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "ClusterRole",
            "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass", "ClusterWorkflowTemplate",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "CSIDriver", "CSINode",
            "IngressClass", "RuntimeClass", "VolumeAttachment");
    /** Names kubectl takes for the kinds workflows touch most, when no manifest says which (e.g. {@code delete configmap -l ...}). */
    private static final Map<String, String[]> NAMED = new HashMap<>();

    static {
        name("v1", "Pod", "pod", "pods", "po");
        name("v1", "ConfigMap", "configmap", "configmaps", "cm");
        name("v1", "Secret", "secret", "secrets");
        name("v1", "Service", "service", "services", "svc");
        name("v1", "ServiceAccount", "serviceaccount", "serviceaccounts", "sa");
        name("v1", "PersistentVolumeClaim", "persistentvolumeclaim", "persistentvolumeclaims", "pvc");
        name("v1", "Namespace", "namespace", "namespaces", "ns");
        name("batch/v1", "Job", "job", "jobs", "jobs.batch");
        name("batch/v1", "CronJob", "cronjob", "cronjobs", "cj", "cronjobs.batch");
        name("apps/v1", "Deployment", "deployment", "deployments", "deploy", "deployments.apps");
        name("apps/v1", "StatefulSet", "statefulset", "statefulsets", "sts", "statefulsets.apps");
        name("apps/v1", "DaemonSet", "daemonset", "daemonsets", "ds", "daemonsets.apps");
        name("apps/v1", "ReplicaSet", "replicaset", "replicasets", "rs", "replicasets.apps");
        name("argoproj.io/v1alpha1", "Workflow", "workflow", "workflows", "wf", "workflows.argoproj.io");
        name("argoproj.io/v1alpha1", "WorkflowTemplate", "workflowtemplate", "workflowtemplates", "wftmpl",
                "workflowtemplates.argoproj.io");
        name("argoproj.io/v1alpha1", "CronWorkflow", "cronworkflow", "cronworkflows", "cwf", "cronworkflows.argoproj.io");
    }

    private static void name(String apiVersion, String kind, String... names) {
        for (String n : names) {
            NAMED.put(n, new String[] {apiVersion, kind});
        }
    }

    /** A kind of object and where its objects are: {@code /api/v1/namespaces/NS/configmaps}. */
    public record Kind(String apiVersion, String kind, String plural, boolean namespaced) {
        /** The path of the objects of this kind in {@code namespace} (ignored for a cluster-scoped kind). */
        public String collection(String namespace) {
            String root = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
            return root + (namespaced ? "/namespaces/" + encode(namespace) : "") + "/" + plural;
        }

        public String object(String namespace, String name) {
            return collection(namespace) + "/" + encode(name);
        }
    }

    /** What the server answered: its status code and body. */
    public record Response(int code, String body) {
        public boolean ok() {
            return code >= 200 && code < 300;
        }

        /** The body as JSON (an object the server returned). */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new FloeException("the Kubernetes API server answered " + code + " with a body that is not JSON");
            }
        }

        /** The server's own reason for an error (its Status message), or the status code. */
        public String reason() {
            try {
                JsonNode status = JSON.readTree(body);
                if (status != null && status.hasNonNull("message")) {
                    return status.get("message").asText() + " (" + code + ")";
                }
            } catch (IOException e) {
                // not a Status: the code says it
            }
            return "HTTP " + code;
        }
    }

    private final KubernetesClient client;
    private final String master;
    private final String namespace;
    private final Map<String, Kind> kinds = new HashMap<>();

    private KubernetesApi(KubernetesClient client, String namespace) {
        this.client = client;
        String url = client.getMasterUrl().toString();
        this.master = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /** Checks that {@code kubeconfig} is a kubeconfig with a current cluster, without connecting; its namespace (or "default"). */
    public static String check(String kubeconfig, String where) {
        String namespace = config(kubeconfig, where).getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    private static Config config(String kubeconfig, String where) {
        Path file = Path.of(kubeconfig);
        if (!Files.isRegularFile(file)) {
            throw new SpecException(where + ": kubeconfig " + kubeconfig + ": no such file");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(file.toFile());
        } catch (RuntimeException e) {
            // The parser's message may quote the file, credentials and all: only the file is named.
            throw new SpecException(where + ": kubeconfig " + kubeconfig + ": not a kubeconfig Floe can read"
                    + " (YAML with clusters, users, contexts and a current-context)");
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isEmpty()) {
            throw new SpecException(where + ": kubeconfig " + kubeconfig + ": its current context names no cluster server");
        }
        return config;
    }

    /** A connection to the API server of {@code kubeconfig}'s current context. */
    public static KubernetesApi connect(String kubeconfig, String where) {
        Config config = config(kubeconfig, where);
        return new KubernetesApi(new KubernetesClientBuilder().withConfig(config).build(), config.getNamespace());
    }

    /** The kubeconfig's namespace, or "default": where an object whose manifest names none goes. */
    public String namespace() {
        return namespace;
    }

    /** The API server's address, for messages. */
    public String server() {
        return master;
    }

    /** Sends one request; {@code body} may be null. Connection problems are a {@link FloeException} (retryable). */
    public Response send(String method, String path, String contentType, String body) throws InterruptedException {
        HttpRequest.Builder request = client.getHttpClient().newHttpRequestBuilder().uri(master + path)
                .header("Accept", "application/json");
        if (!method.equals("GET")) {
            request.method(method, contentType == null ? "application/json" : contentType, body == null ? "" : body);
        }
        java.util.concurrent.CompletableFuture<HttpResponse<String>> sent = client.getHttpClient().sendAsync(request.build(), String.class);
        try {
            HttpResponse<String> response = sent.get(60, TimeUnit.SECONDS);
            return new Response(response.code(), response.body() == null ? "" : response.body());
        } catch (InterruptedException e) {
            sent.cancel(true);
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.io.InterruptedIOException && !(cause instanceof java.net.SocketTimeoutException)) {
                throw new InterruptedException(method + " " + path + " interrupted");
            }
            throw new FloeException(method + " " + path + " at the Kubernetes API server " + master + " failed: "
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
    }

    /** {@code send}, failing with the server's reason unless it answered 2xx. */
    public JsonNode call(String method, String path, String contentType, String body) throws InterruptedException {
        Response r = send(method, path, contentType, body);
        if (!r.ok()) {
            throw new FloeException(method + " " + path + ": " + r.reason());
        }
        return r.body().isEmpty() ? null : r.json();
    }

    /** The object at {@code path}, or null when there is none (404). */
    public JsonNode get(String path) throws InterruptedException {
        Response r = send("GET", path, null, null);
        if (r.code() == 404) {
            return null;
        }
        if (!r.ok()) {
            throw new FloeException("GET " + path + ": " + r.reason());
        }
        return r.json();
    }

    /** Where objects of {@code kind} in {@code apiVersion} are: asked of the server (discovery), else worked out as kubectl names them. */
    public Kind kind(String apiVersion, String kind) throws InterruptedException {
        String key = apiVersion + "/" + kind;
        Kind known = kinds.get(key);
        if (known != null) {
            return known;
        }
        Kind found = null;
        Response r;
        try {
            r = send("GET", apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion, null, null);
        } catch (FloeException e) {
            r = new Response(0, "");
        }
        if (r.ok()) {
            for (JsonNode resource : r.json().path("resources")) {
                if (kind.equals(resource.path("kind").asText()) && !resource.path("name").asText().contains("/")) {
                    found = new Kind(apiVersion, kind, resource.path("name").asText(), resource.path("namespaced").asBoolean(true));
                    break;
                }
            }
        }
        if (found == null) {
            found = new Kind(apiVersion, kind, plural(kind), !CLUSTER_SCOPED.contains(kind));
        }
        kinds.put(key, found);
        return found;
    }

    /**
     * The kind kubectl's resource argument names ({@code configmap}, {@code pods}, {@code jobs.batch},
     * {@code tfjobs.v1.kubeflow.org}); null when Floe does not know the name.
     */
    public Kind named(String name) throws InterruptedException {
        String[] k = NAMED.get(name.toLowerCase(Locale.ROOT));
        if (k != null) {
            return kind(k[0], k[1]);
        }
        String[] parts = name.split("\\.", 3);
        if (parts.length == 3 && parts[1].matches("v[0-9]+((alpha|beta)[0-9]+)?")) {
            return new Kind(parts[2] + "/" + parts[1], null, parts[0].toLowerCase(Locale.ROOT), true);
        }
        return null;
    }

    /** Whether {@link #named} takes {@code name} without asking the server. */
    public static boolean knows(String name) {
        String[] parts = name.split("\\.", 3);
        return NAMED.containsKey(name.toLowerCase(Locale.ROOT))
                || (parts.length == 3 && parts[1].matches("v[0-9]+((alpha|beta)[0-9]+)?"));
    }

    /** The kinds {@link #named} knows by name, for messages. */
    public static String knownNames() {
        return String.join(", ", new java.util.TreeSet<>(NAMED.values().stream().map(k -> k[1].toLowerCase(Locale.ROOT)).toList()));
    }

    /** A kind's resource name as Kubernetes makes it when nothing says otherwise: lower case, plural. */
    static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("z") || k.endsWith("ch") || k.endsWith("sh")) {
            return k + "es";
        }
        if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }

    /** A query parameter's value, encoded. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An object as JSON text. */
    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new empty JSON object. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The names of a list's items. */
    public static List<String> names(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.path("items").spliterator(), false)
                .map(i -> i.path("metadata").path("name").asText()).toList();
    }

    @Override
    public void close() {
        client.close();
    }
}

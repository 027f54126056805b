package floe.argo;

import floe.FloeException;
import floe.SpecException;
import floe.argo.ArgoConverter.ArgoError;
import floe.exec.KubernetesApi;
import floe.expr.Templates;
import floe.model.TaskContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a resource template does, as Argo's executor does it with kubectl: {@code create}, {@code
 * apply}, {@code get}, {@code patch}, {@code replace} or {@code delete} of its manifest (with the
 * task's variables filled in) or of the objects its kubectl flags name; then, with a {@code
 * successCondition} or {@code failureCondition}, reads the object every second until one holds;
 * then its output parameters read the object ({@code valueFrom.jsonPath}). The API server is the
 * current context of the kubeconfig given with {@code --kubeconfig} or {@code floe.argo.kubeconfig};
 * what travels to the TaskManagers is the file's path, read when a task starts (so its credentials
 * are in no plan, job graph or log).
 */
final class ArgoResource implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArgoResource.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> ACTIONS = List.of("get", "create", "apply", "delete", "replace", "patch");
    private static final Set<String> STRATEGIES = Set.of("strategic", "merge", "json");
    /** How long between two reads of an object that is waited on (Argo's executor: 5 s). */
    static final long POLL_MILLIS = 1_000;

    /** An output parameter read from the object: its name, {@code valueFrom.jsonPath}, and default. */
    private record Output(String name, String jsonPath, String fallback, String where) implements Serializable {}

    private final ArgoSpec.ResourceTemplate spec;
    private final String where;
    private final String kubeconfig;
    private final List<Output> outputs;

    private ArgoResource(ArgoSpec.ResourceTemplate spec, String where, String kubeconfig, List<Output> outputs) {
        this.spec = spec;
        this.where = where;
        this.kubeconfig = kubeconfig;
        this.outputs = List.copyOf(outputs);
    }

    /** The resource template {@code t} at {@code templatePath}, checked as far as it can be before the run. */
    static ArgoResource of(ArgoSpec.Template t, String templatePath, ArgoOptions options, LocalResources.Notices notices) {
        String where = templatePath + ".resource";
        ArgoSpec.ResourceTemplate r = t.resource();
        if (options.kubeconfig() == null) {
            throw new ArgoError(where, "a resource template needs a Kubernetes API server: give its kubeconfig with"
                    + " --kubeconfig FILE or the setting floe.argo.kubeconfig");
        }
        KubernetesApi.check(options.kubeconfig(), "--kubeconfig (or floe.argo.kubeconfig)");
        TemplateSettings.resourceTemplateFields(t, templatePath);
        if (r.action() == null) {
            throw new ArgoError(where + ".action", "give the action: one of " + String.join(", ", ACTIONS));
        }
        if (!ACTIONS.contains(r.action())) {
            throw new ArgoError(where + ".action", "'" + r.action() + "' is not an action of a resource template (one of "
                    + String.join(", ", ACTIONS) + ")");
        }
        if (r.mergeStrategy() != null && !STRATEGIES.contains(r.mergeStrategy())) {
            throw new ArgoError(where + ".mergeStrategy", "'" + r.mergeStrategy() + "' is not a merge strategy (strategic,"
                    + " merge or json)");
        }
        if (r.mergeStrategy() != null && !r.action().equals("patch")) {
            notices.notice(where + ".mergeStrategy", "only a patch has a merge strategy; this template's action is " + r.action());
        }
        if ((r.manifest() == null || r.manifest().isBlank()) && (r.flags() == null || r.flags().isEmpty())) {
            throw new ArgoError(where + ".manifest", "give the manifest of the object to " + r.action()
                    + " (or, for get, patch and delete, flags naming it: [KIND, NAME])");
        }
        String named = (r.manifest() == null ? "" : r.manifest()) + " " + (r.flags() == null ? "" : String.join(" ", r.flags()));
        if (named.matches("(?s).*\\{\\{\\s*pod\\.name\\s*}}.*")) {
            notices.notice(where, "{{pod.name}} names the pod the step runs in: Floe runs the step in no pod, so no such"
                    + " object is in the cluster (the action fails unless one of that name is made beforehand)");
        }
        checkCondition(r.successCondition(), where + ".successCondition");
        checkCondition(r.failureCondition(), where + ".failureCondition");
        List<Output> outputs = new ArrayList<>();
        List<ArgoSpec.Parameter> ps = t.outputs() == null || t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
        for (int i = 0; i < ps.size(); i++) {
            String at = templatePath + ".outputs.parameters[" + i + "].valueFrom";
            Map<String, Object> from = ps.get(i).valueFrom();
            Object fallback = from == null ? null : from.get("default");
            if (from != null && from.containsKey("jqFilter")) {
                throw new ArgoError(at + ".jqFilter", "jq filters are not supported by Floe (no kept Java jq library is at"
                        + " hand): read the object with jsonPath, e.g. '{.metadata.name}' or '{.status}'");
            }
            if (from == null || !(from.get("jsonPath") instanceof String path)) {
                throw new ArgoError(at, "give valueFrom.jsonPath: a resource template's outputs are read from the object it made");
            }
            for (String key : from.keySet()) {
                if (!key.equals("jsonPath") && !key.equals("default")) {
                    throw new ArgoError(at + "." + key, "not supported for a resource template's output (use jsonPath and default)");
                }
            }
            KubectlJsonPath.check(path, at + ".jsonPath");
            outputs.add(new Output(ps.get(i).name(), path, fallback == null ? null : String.valueOf(fallback), at + ".jsonPath"));
        }
        return new ArgoResource(r, where, options.kubeconfig(), outputs);
    }

    private static void checkCondition(String text, String where) {
        if (text != null && !Templates.isTemplate(text)) {
            ResourceCondition.parse(text, where);
        }
    }

    /** What a plan shows: the action and the object as the manifest names it. */
    String describe() {
        StringBuilder s = new StringBuilder("kubernetes " + spec.action());
        if (spec.mergeStrategy() != null && spec.action().equals("patch")) {
            s.append(" (").append(spec.mergeStrategy()).append(")");
        }
        try {
            JsonNode m = spec.manifest() == null ? null : YAML.readTree(spec.manifest());
            if (m != null && m.isObject() && m.has("kind")) {
                JsonNode meta = m.path("metadata");
                s.append(' ').append(m.get("kind").asText()).append('/')
                        .append(meta.has("name") ? meta.get("name").asText() : meta.path("generateName").asText() + "*");
            }
        } catch (IOException | RuntimeException e) {
            s.append(" <manifest>"); // a manifest with variables in it may be YAML only once they are filled in
        }
        if (spec.flags() != null && !spec.flags().isEmpty()) {
            s.append(' ').append(ArgoCommand.quoted(spec.flags()));
        }
        if (spec.successCondition() != null) {
            s.append(", until ").append(spec.successCondition());
        }
        if (spec.failureCondition() != null) {
            s.append(", failing if ").append(spec.failureCondition());
        }
        return s.toString();
    }

    /** Checks a task's manifest, flags and conditions with its variables, as lint does; nothing is sent. */
    void check(Map<String, String> vars) {
        Request request = request(vars);
        if (request.kindName() != null && !KubernetesApi.knows(request.kindName())) {
            throw new SpecException(where + ".flags: '" + request.kindName() + "' is a kind Floe cannot place without a"
                    + " manifest (it knows " + KubernetesApi.knownNames() + ", and RESOURCE.VERSION.GROUP)");
        }
    }

    /** One task's request: the manifest (null: none), the flags, and the conditions, all with the task's variables. */
    private record Request(JsonNode manifest, KubectlFlags flags, ResourceCondition success, ResourceCondition failure) {
        String kindName() {
            return flags.kind();
        }
    }

    private Request request(Map<String, String> vars) {
        JsonNode manifest = null;
        if (spec.manifest() != null && !spec.manifest().isBlank()) {
            String text = Templates.resolve(spec.manifest(), vars, where + ".manifest");
            try {
                manifest = YAML.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SpecException(where + ".manifest: not YAML once its variables are filled in: "
                        + e.getOriginalMessage());
            }
        }
        KubectlFlags flags = KubectlFlags.read(spec.flags(), vars, where);
        boolean json = spec.action().equals("patch") && "json".equals(spec.mergeStrategy());
        if (json) {
            if (manifest == null || !manifest.isArray()) {
                throw new SpecException(where + ".manifest: a json patch is a list of operations ({op, path, value})");
            }
            if (flags.kind() == null || flags.name() == null) {
                throw new SpecException(where + ".flags: a json patch names its object in the flags: [KIND, NAME]");
            }
        } else if (manifest != null && !manifest.isObject()) {
            throw new SpecException(where + ".manifest: give one Kubernetes object (apiVersion, kind, metadata, ...)");
        }
        boolean byFlags = flags.kind() != null && (manifest == null || !manifest.has("kind") || json);
        if (!byFlags) {
            if (manifest == null) {
                throw new SpecException(where + ": give the manifest of the object, or flags naming it: [KIND, NAME]");
            }
            if (!manifest.hasNonNull("apiVersion") || !manifest.hasNonNull("kind")) {
                throw new SpecException(where + ".manifest: give the object's apiVersion and kind");
            }
            JsonNode meta = manifest.path("metadata");
            boolean named = meta.hasNonNull("name");
            if (!named && !(spec.action().equals("create") && meta.hasNonNull("generateName"))) {
                throw new SpecException(where + ".manifest: give metadata.name" + (spec.action().equals("create")
                        ? " or metadata.generateName" : "") + " (the object to " + spec.action() + ")");
            }
        } else if (!spec.action().equals("delete") && !spec.action().equals("patch") && !spec.action().equals("get")) {
            throw new SpecException(where + ".manifest: " + spec.action() + " needs the object's manifest (flags name"
                    + " objects for get, patch and delete)");
        } else if (flags.name() == null && (flags.selector() == null || !spec.action().equals("delete"))) {
            throw new SpecException(where + ".flags: name the object after its kind ([" + flags.kind() + ", NAME])"
                    + (spec.action().equals("delete") ? " or select objects with --selector" : ""));
        }
        ResourceCondition success = condition(spec.successCondition(), vars, where + ".successCondition");
        ResourceCondition failure = condition(spec.failureCondition(), vars, where + ".failureCondition");
        if ((success != null || failure != null) && spec.action().equals("delete")) {
            throw new SpecException(where + ": a deleted object has no state to wait for (no successCondition or"
                    + " failureCondition with delete)");
        }
        return new Request(manifest, flags, success, failure);
    }

    private static ResourceCondition condition(String text, Map<String, String> vars, String at) {
        return text == null || text.isBlank() ? null : ResourceCondition.parse(Templates.resolve(text, vars, at), at);
    }

    /** Runs the template for the task {@code ctx}: the action, the wait, then its outputs, reported to {@code ctx}. */
    void run(TaskContext ctx, Map<String, String> vars) throws InterruptedException {
        Request request = request(vars);
        try (KubernetesApi api = KubernetesApi.connect(kubeconfig, where)) {
            JsonNode object = act(api, request, ctx);
            if (object == null) {
                outputs.forEach(o -> ctx.outputParameter(o.name(), o.fallback() == null ? "" : o.fallback()));
                return;
            }
            String path = objectPath(api, object);
            if (request.success() != null || request.failure() != null) {
                object = await(api, path, request);
            } else if (!outputs.isEmpty()) {
                object = api.get(path);
                if (object == null) {
                    throw new FloeException(where + ": " + path + " is gone before its outputs could be read");
                }
            }
            for (Output o : outputs) {
                ctx.outputParameter(o.name(), KubectlJsonPath.read(o.jsonPath(), object, o.where()));
            }
        }
    }

    /** The action: the object as the server returned it, or null after a delete. */
    private JsonNode act(KubernetesApi api, Request request, TaskContext ctx) throws InterruptedException {
        JsonNode m = request.manifest();
        KubectlFlags flags = request.flags();
        boolean byFlags = flags.kind() != null && (m == null || !m.has("kind") || "json".equals(spec.mergeStrategy()));
        KubernetesApi.Kind kind;
        String name;
        String namespace;
        if (byFlags) {
            kind = api.named(flags.kind());
            if (kind == null) {
                throw new SpecException(where + ".flags: '" + flags.kind() + "' is a kind Floe cannot place without a manifest"
                        + " (it knows " + KubernetesApi.knownNames() + ", and RESOURCE.VERSION.GROUP)");
            }
            name = flags.name();
            namespace = flags.namespace() != null ? flags.namespace() : api.namespace();
        } else {
            kind = api.kind(m.get("apiVersion").asText(), m.get("kind").asText());
            JsonNode meta = m.path("metadata");
            name = meta.hasNonNull("name") ? meta.get("name").asText() : null;
            namespace = meta.hasNonNull("namespace") ? meta.get("namespace").asText()
                    : flags.namespace() != null ? flags.namespace() : api.namespace();
        }
        String query = flags.validation() == null ? "" : "?fieldValidation=" + flags.validation();
        String action = spec.action();
        LOG.info("stage '{}' task {}: {} {} {} in namespace {} at {}", ctx.stage(), ctx.index(), action, kind.plural(),
                name != null ? name : flags.selector() != null ? "-l " + flags.selector()
                        : m.path("metadata").path("generateName").asText() + "*", namespace, api.server());
        switch (action) {
            case "create" -> {
                return api.call("POST", kind.collection(namespace) + query, "application/json", KubernetesApi.json(m));
            }
            case "apply" -> {
                // kubectl's apply: create the object, or merge the manifest into the one there.
                if (api.get(kind.object(namespace, name)) == null) {
                    return api.call("POST", kind.collection(namespace) + query, "application/json", KubernetesApi.json(m));
                }
                return api.call("PATCH", kind.object(namespace, name) + query, "application/merge-patch+json", KubernetesApi.json(m));
            }
            case "replace" -> {
                return api.call("PUT", kind.object(namespace, name) + query, "application/json", KubernetesApi.json(m));
            }
            case "get" -> {
                JsonNode got = api.get(kind.object(namespace, name));
                if (got == null) {
                    throw new FloeException(where + ": " + kind.plural() + " '" + name + "' not found in namespace " + namespace);
                }
                return got;
            }
            case "patch" -> {
                String strategy = spec.mergeStrategy() == null ? "strategic" : spec.mergeStrategy();
                String type = switch (strategy) {
                    case "json" -> "application/json-patch+json";
                    case "merge" -> "application/merge-patch+json";
                    default -> "application/strategic-merge-patch+json";
                };
                return api.call("PATCH", kind.object(namespace, name) + query, type, KubernetesApi.json(m));
            }
            default -> {
                List<String> names = name != null ? List.of(name) : KubernetesApi.names(api.call("GET", kind.collection(namespace)
                        + "?labelSelector=" + KubernetesApi.encode(flags.selector()), null, null));
                int deleted = 0;
                for (String n : names) {
                    KubernetesApi.Response r = api.send("DELETE", kind.object(namespace, n), null, null);
                    if (!r.ok() && r.code() != 404) { // Argo deletes with --ignore-not-found
                        throw new FloeException(where + ": DELETE " + kind.object(namespace, n) + ": " + r.reason());
                    }
                    deleted += r.ok() ? 1 : 0;
                }
                LOG.info("stage '{}' task {}: deleted {} of {}", ctx.stage(), ctx.index(), deleted, kind.plural());
                return null;
            }
        }
    }

    /** The path of the object the server returned (a created object's generated name included). */
    private String objectPath(KubernetesApi api, JsonNode object) throws InterruptedException {
        JsonNode meta = object.path("metadata");
        KubernetesApi.Kind kind = api.kind(object.path("apiVersion").asText(), object.path("kind").asText());
        String namespace = meta.hasNonNull("namespace") ? meta.get("namespace").asText() : api.namespace();
        return kind.object(namespace, meta.path("name").asText());
    }

    /**
     * Reads the object until the failure condition holds (any of its requirements: the task fails)
     * or the success condition does (all of them), as Argo's executor waits; a read that fails for
     * a while (the server away) is tried again at the next tick, a deleted object fails the task.
     */
    private JsonNode await(KubernetesApi api, String path, Request request) throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException(); // a timeout or a cancellation, even if a read swallowed it
            }
            JsonNode object;
            try {
                object = api.get(path);
            } catch (FloeException e) {
                LOG.warn("{}: reading {} failed, trying again: {}", where, path, e.getMessage());
                Thread.sleep(POLL_MILLIS);
                continue;
            }
            if (object == null) {
                throw new FloeException(where + ": " + path + " was deleted while its conditions were being checked");
            }
            ResourceCondition.Requirement failed = request.failure() == null ? null : request.failure().anyMatch(object);
            if (failed != null) {
                throw new FloeException(where + ": failure condition '" + failed + "' holds for " + path);
            }
            if (request.success() == null || request.success().matches(object)) {
                return object;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}

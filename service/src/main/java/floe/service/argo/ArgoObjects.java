package floe.service.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The objects the server stores for workflows to use: WorkflowTemplates (by namespace),
 * ClusterWorkflowTemplates, CronWorkflows (create, get, list, update, delete, lint; a CronWorkflow
 * also suspend and resume), and {@code POST /api/v1/workflows/{ns}/submit}, a workflow from one of
 * them. Templates are also kept as files ({@code templates/NAMESPACE/NAME.yaml}, {@code
 * templates/cluster/NAME.yaml}) for the Argo loader, which finds a {@code templateRef} or {@code
 * workflowTemplateRef} there as it does beside a workflow file.
 */
final class ArgoObjects {
    static final String TEMPLATE = "WorkflowTemplate";
    static final String CLUSTER_TEMPLATE = "ClusterWorkflowTemplate";
    static final String CRON = "CronWorkflow";

    private final ArgoStore store;
    private final Path templateDir;
    private final LongSupplier clock;
    private volatile Runnable cronChanged = () -> {};

    ArgoObjects(ArgoStore store, Path templateDir, LongSupplier clock) {
        this.store = store;
        this.templateDir = templateDir;
        this.clock = clock;
        // The files follow the database: written again at start.
        ArgoRuns.deleteTree(templateDir);
        for (String kind : List.of(TEMPLATE, CLUSTER_TEMPLATE)) {
            for (ObjectNode t : store.objects(kind, null, null)) {
                writeFile(kind, t);
            }
        }
    }

    void onCronChange(Runnable r) {
        this.cronChanged = r;
    }

    /** Where the loader looks for templates a workflow in {@code ns} names. */
    List<Path> templateFiles(String ns) {
        List<Path> out = new ArrayList<>();
        for (Path p : List.of(templateDir.resolve("ns-" + ns), templateDir.resolve("cluster"))) {
            if (Files.isDirectory(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private Path file(String kind, String ns, String name) {
        return templateDir.resolve(kind.equals(CLUSTER_TEMPLATE) ? "cluster" : "ns-" + ns).resolve(name + ".yaml");
    }

    private void writeFile(String kind, ObjectNode t) {
        if (kind.equals(CRON)) {
            return;
        }
        JsonNode meta = t.path("metadata");
        Path f = file(kind, meta.path("namespace").asText(""), meta.path("name").asText());
        try {
            Files.createDirectories(f.getParent());
            ObjectNode doc = t.deepCopy();
            doc.remove("status");
            Files.writeString(f, ArgoStore.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new floe.FloeException("cannot write the template " + f + ": " + e.getMessage(), e);
        }
    }

    void handle(ArgoApi api, HttpServerExchange exchange, String method, String resource, List<String> p, Map<String, String> q,
            Set<String> allowed) throws IOException {
        String kind = switch (resource) {
            case "workflow-templates" -> TEMPLATE;
            case "cluster-workflow-templates" -> CLUSTER_TEMPLATE;
            default -> CRON;
        };
        boolean cluster = kind.equals(CLUSTER_TEMPLATE);
        // Path after the resource: namespaced ones have {namespace} first.
        // (none: a list over every namespace the token may use)
        List<String> rest = p.subList(Math.min(p.size(), cluster ? 3 : 4), p.size());
        String ns = cluster ? "" : p.size() > 3 ? p.get(3) : "";
        String field = kind.equals(CRON) ? "cronWorkflow" : "template";
        if (rest.isEmpty() && method.equals("POST")) {
            JsonNode request = api.body(exchange);
            api.send(exchange, create(api, kind, ns, request, field));
        } else if (rest.isEmpty() && method.equals("GET")) {
            ObjectNode out = ArgoStore.JSON.createObjectNode();
            out.putObject("metadata");
            ArrayNode items = out.putArray("items");
            LabelSelector labels = LabelSelector.parse(q.get("listOptions.labelSelector"));
            for (ObjectNode o : store.objects(kind, cluster ? "" : ns.isEmpty() ? null : ns, null)) {
                String objectNs = o.path("metadata").path("namespace").asText("");
                if ((cluster || ArgoTokens.allows(allowed, objectNs)) && ArgoApi.matches(o, labels, Map.of())) {
                    items.add(o);
                }
            }
            api.send(exchange, ArgoApi.fields(out, q.get("fields")));
        } else if (rest.size() == 1 && rest.get(0).equals("lint") && method.equals("POST")) {
            ObjectNode o = objectOf(api.body(exchange), field);
            api.prepare(ns, o, kind);
            lint(api, kind, ns, o);
            api.send(exchange, o);
        } else if (rest.size() == 1 && method.equals("GET")) {
            api.send(exchange, get(kind, ns, rest.get(0)));
        } else if (rest.size() == 2 && kind.equals(CRON) && rest.get(1).equals("next") && method.equals("GET")) {
            // Floe's own (the web UI's): the next scheduled times, {"times": [RFC 3339, ...]}; count at most 20.
            api.send(exchange, nextTimes(get(kind, ns, rest.get(0)), Math.min(20, Math.max(1, Integer.parseInt(q.getOrDefault("count", "3"))))));
        } else if (rest.size() == 1 && method.equals("PUT")) {
            JsonNode request = api.body(exchange);
            api.send(exchange, update(api, kind, ns, rest.get(0), objectOf(request, field)));
        } else if (rest.size() == 1 && method.equals("DELETE")) {
            get(kind, ns, rest.get(0));
            store.deleteObject(kind, ns, rest.get(0));
            if (!kind.equals(CRON)) {
                ArgoRuns.deleteTree(file(kind, ns, rest.get(0)));
            } else {
                cronChanged.run();
            }
            api.send(exchange, ArgoStore.JSON.createObjectNode());
        } else if (rest.size() == 2 && kind.equals(CRON) && method.equals("PUT")
                && (rest.get(1).equals("suspend") || rest.get(1).equals("resume"))) {
            api.body(exchange);
            ObjectNode cron = get(kind, ns, rest.get(0));
            ((ObjectNode) cron.with("spec")).put("suspend", rest.get(1).equals("suspend"));
            bump(cron);
            store.putObject(kind, ns, rest.get(0), clock.getAsLong(), cron, false);
            cronChanged.run();
            api.send(exchange, cron);
        } else {
            throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        }
    }

    private static String plural(String kind) {
        return switch (kind) {
            case TEMPLATE -> "workflowtemplates";
            case CLUSTER_TEMPLATE -> "clusterworkflowtemplates";
            default -> "cronworkflows";
        };
    }

    /** The {@code count} times after now a CronWorkflow is scheduled at (none when suspended). */
    private ObjectNode nextTimes(ObjectNode cron, int count) {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        ArrayNode times = out.putArray("times");
        if (cron.path("spec").path("suspend").asBoolean(false)) {
            return out;
        }
        CronSchedule schedule = CronSchedule.of(cron.path("spec"));
        java.time.Instant at = java.time.Instant.ofEpochMilli(clock.getAsLong());
        for (int i = 0; i < count; i++) {
            java.time.ZonedDateTime next = schedule.next(at);
            if (next == null) {
                break;
            }
            times.add(next.toOffsetDateTime().toString());
            at = next.toInstant();
        }
        return out;
    }

    ObjectNode get(String kind, String ns, String name) {
        ObjectNode o = store.object(kind, ns, name);
        if (o == null) {
            throw ArgoException.notFound(plural(kind), name);
        }
        return o;
    }

    private static ObjectNode objectOf(JsonNode request, String field) {
        JsonNode o = request.get(field);
        if (o == null || !o.isObject()) {
            throw ArgoException.invalid(field + " body not specified");
        }
        return (ObjectNode) o.deepCopy();
    }

    private ObjectNode create(ArgoApi api, String kind, String ns, JsonNode request, String field) {
        ObjectNode o = objectOf(request, field);
        ObjectNode meta = api.prepare(ns, o, kind);
        String name = meta.get("name").asText();
        if (store.object(kind, ns, name) != null) {
            throw new ArgoException(ArgoException.Code.ALREADY_EXISTS, plural(kind) + ".argoproj.io \"" + name + "\" already exists");
        }
        lint(api, kind, ns, o);
        long now = clock.getAsLong();
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", ArgoNodes.time(now));
        meta.put("generation", 1);
        bump(o);
        if (request.path("createOptions").path("dryRun").isArray() && !request.path("createOptions").path("dryRun").isEmpty()) {
            return o;
        }
        if (!store.putObject(kind, ns, name, now, o, true)) {
            throw new ArgoException(ArgoException.Code.ALREADY_EXISTS, plural(kind) + ".argoproj.io \"" + name + "\" already exists");
        }
        writeFile(kind, o);
        if (kind.equals(CRON)) {
            cronChanged.run();
        }
        return o;
    }

    private ObjectNode update(ArgoApi api, String kind, String ns, String name, ObjectNode o) {
        ObjectNode old = get(kind, ns, name);
        ObjectNode meta = api.prepare(ns, o, kind);
        if (!meta.path("name").asText().equals(name)) {
            throw ArgoException.invalid("metadata.name: the name of the object (" + meta.path("name").asText()
                    + ") does not match the name on the URL (" + name + ")");
        }
        lint(api, kind, ns, o);
        JsonNode oldMeta = old.path("metadata");
        meta.put("uid", oldMeta.path("uid").asText());
        meta.put("creationTimestamp", oldMeta.path("creationTimestamp").asText());
        meta.put("generation", oldMeta.path("generation").asInt(1) + 1);
        if (old.has("status")) {
            o.set("status", old.get("status"));
        }
        bump(o);
        store.putObject(kind, ns, name, clock.getAsLong(), o, false);
        writeFile(kind, o);
        if (kind.equals(CRON)) {
            cronChanged.run();
        }
        return o;
    }

    private void bump(ObjectNode o) {
        ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(clock.getAsLong()));
    }

    /** Checks an object as a run would: a template as a workflow made of it, a CronWorkflow's workflow and schedule. */
    private void lint(ArgoApi api, String kind, String ns, ObjectNode o) {
        ObjectNode spec = kind.equals(CRON) ? (ObjectNode) o.path("spec").path("workflowSpec") : (ObjectNode) o.path("spec");
        if (spec == null || spec.isMissingNode() || !spec.isObject()) {
            throw ArgoException.invalid(kind.equals(CRON) ? "spec.workflowSpec: required" : "spec: required");
        }
        if (kind.equals(CRON)) {
            CronSchedule.of(o.path("spec"));
        }
        ObjectNode wf = ArgoStore.JSON.createObjectNode();
        wf.put("apiVersion", "argoproj.io/v1alpha1");
        wf.put("kind", "Workflow");
        ObjectNode meta = wf.putObject("metadata");
        meta.put("name", "lint-" + o.path("metadata").path("name").asText("x"));
        if (!ns.isEmpty()) {
            meta.put("namespace", ns);
        }
        wf.set("spec", spec.deepCopy());
        if (!spec.has("entrypoint")) {
            // A template without an entrypoint is one a workflow calls into: checked when used.
            return;
        }
        Path dir = api.scratch();
        try {
            api.check(wf, dir, ns);
        } finally {
            ArgoRuns.deleteTree(dir);
        }
    }

    /** {@code POST /api/v1/workflows/{ns}/submit}: a workflow from a WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow. */
    ObjectNode submit(ArgoApi api, String ns, JsonNode request) {
        String kind = request.path("resourceKind").asText("");
        String name = request.path("resourceName").asText("");
        if (name.isEmpty()) {
            throw ArgoException.invalid("resourceName: required");
        }
        JsonNode options = request.path("submitOptions");
        ObjectNode wf = ArgoStore.JSON.createObjectNode();
        ObjectNode meta = wf.putObject("metadata");
        ObjectNode labels = meta.putObject("labels");
        ObjectNode spec;
        switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "workflowtemplate", "clusterworkflowtemplate" -> {
                boolean cluster = kind.equalsIgnoreCase(CLUSTER_TEMPLATE);
                get(cluster ? CLUSTER_TEMPLATE : TEMPLATE, cluster ? "" : ns, name);
                spec = wf.putObject("spec");
                ObjectNode ref = spec.putObject("workflowTemplateRef");
                ref.put("name", name);
                if (cluster) {
                    ref.put("clusterScope", true);
                }
                labels.put(cluster ? "workflows.argoproj.io/cluster-workflow-template" : "workflows.argoproj.io/workflow-template", name);
            }
            case "cronworkflow" -> {
                ObjectNode cron = get(CRON, ns, name);
                return fromCron(api, ns, cron, options, null);
            }
            default -> throw ArgoException.invalid("resourceKind: '" + kind + "' is not WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow");
        }
        meta.put("generateName", options.path("generateName").asText(name + "-"));
        if (options.hasNonNull("name") && !options.get("name").asText().isEmpty()) {
            meta.put("name", options.get("name").asText());
        }
        applyOptions(wf, options);
        return api.create(ns, wf, options.path("dryRun").asBoolean(false) || options.path("serverDryRun").asBoolean(false), null);
    }

    /**
     * A workflow of a CronWorkflow: its workflowSpec, labelled with it, annotated with the time it
     * was scheduled for ({@code workflow.scheduledTime}; null: now).
     */
    ObjectNode fromCron(ArgoApi api, String ns, ObjectNode cron, JsonNode options, String scheduledTime) {
        String name = cron.path("metadata").path("name").asText();
        ObjectNode wf = ArgoStore.JSON.createObjectNode();
        ObjectNode meta = wf.putObject("metadata");
        JsonNode workflowMeta = cron.path("spec").path("workflowMetadata");
        ObjectNode labels = meta.putObject("labels");
        workflowMeta.path("labels").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
        if (workflowMeta.path("annotations").isObject()) {
            meta.set("annotations", workflowMeta.get("annotations").deepCopy());
        }
        labels.put("workflows.argoproj.io/cron-workflow", name);
        meta.with("annotations").put("workflows.argoproj.io/scheduled-time",
                scheduledTime != null ? scheduledTime : java.time.Instant.ofEpochMilli(clock.getAsLong()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        meta.put("generateName", name + "-");
        wf.set("spec", cron.path("spec").path("workflowSpec").deepCopy());
        if (options != null) {
            applyOptions(wf, options);
        }
        return api.create(ns, wf, false, null);
    }

    /** submitOptions: parameters ({@code NAME=VALUE}), labels ({@code a=b,c=d}), entryPoint, serviceAccount. */
    private static void applyOptions(ObjectNode wf, JsonNode options) {
        ObjectNode spec = wf.with("spec");
        if (options.hasNonNull("entryPoint") && !options.get("entryPoint").asText().isEmpty()) {
            spec.put("entrypoint", options.get("entryPoint").asText());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (JsonNode p : options.path("parameters")) {
            String text = p.asText();
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw ArgoException.invalid("submitOptions.parameters: '" + text + "' is not NAME=VALUE");
            }
            params.put(text.substring(0, eq), text.substring(eq + 1));
        }
        if (!params.isEmpty()) {
            ArrayNode list = spec.with("arguments").withArray("parameters");
            for (JsonNode existing : list) {
                String n = existing.path("name").asText();
                if (params.containsKey(n)) {
                    ((ObjectNode) existing).put("value", params.remove(n));
                }
            }
            params.forEach((k, v) -> list.addObject().put("name", k).put("value", v));
        }
        String labels = options.path("labels").asText("");
        if (!labels.isBlank()) {
            ObjectNode l = ((ObjectNode) wf.get("metadata")).with("labels");
            for (String kv : labels.split(",")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    l.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
        }
    }

    List<ObjectNode> crons() {
        return store.objects(CRON, null, null);
    }

    void saveCron(ObjectNode cron) {
        JsonNode meta = cron.path("metadata");
        store.putObject(CRON, meta.path("namespace").asText(), meta.path("name").asText(), clock.getAsLong(), cron, false);
    }
}

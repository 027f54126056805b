package floe.service.argo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Argo Server's REST API ({@code /api/v1/...}) with its JSON shapes, as grpc-gateway serves it:
 * workflows (create, lint, list, get, delete, stop, terminate, retry, resubmit, suspend, resume,
 * set), their logs and
 * the watch stream ({@code text/event-stream} when asked for, else newline-delimited JSON), the
 * version; errors as {@code {"code", "message", "error", "details"}} with gRPC's code.
 */
final class ArgoApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ArgoApi.class);
    static final String PHASE_LABEL = "workflows.argoproj.io/phase";
    static final String COMPLETED_LABEL = "workflows.argoproj.io/completed";
    /** Floe's own bookkeeping in a stored workflow, never answered: pod name to stage/task, the run's log directory. */
    static final String PRIVATE = "floe";
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ArgoStore store;
    private final ArgoRuns runs;
    private final ArgoEvents events;
    private final ArgoLoader loader;
    private final ArgoTokens tokens;
    private final Path workDir;
    private final int maxBody;
    private final LongSupplier clock;
    private final AtomicLong resourceVersion;
    private final ArgoObjects objects;
    private final ArgoSuspend suspensions;
    private final BatchPagesApi batch;
    /** Set when the server stops: open streams end. */
    private volatile boolean closing;

    ArgoApi(ArgoStore store, ArgoRuns runs, ArgoEvents events, ArgoLoader loader, ArgoTokens tokens, Path workDir, int maxBody,
            LongSupplier clock, ArgoObjects objects, ArgoSuspend suspensions, BatchPagesApi batch) {
        this.store = store;
        this.runs = runs;
        this.events = events;
        this.loader = loader;
        this.tokens = tokens;
        this.workDir = workDir;
        this.maxBody = maxBody;
        this.clock = clock;
        this.resourceVersion = new AtomicLong(clock.getAsLong());
        this.objects = objects;
        this.suspensions = suspensions;
        this.batch = batch;
    }

    /** Ends the open watch and log streams (within a second). */
    void close() {
        closing = true;
    }

    // ---- HTTP ----

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.startBlocking();
        try {
            route(exchange);
        } catch (ArgoException e) {
            error(exchange, e);
        } catch (floe.SpecException e) {
            error(exchange, ArgoException.invalid(e.getMessage()));
        } catch (RuntimeException e) {
            String id = UUID.randomUUID().toString();
            LOG.error("Argo API request {} failed", id, e);
            error(exchange, new ArgoException(ArgoException.Code.INTERNAL, "internal error (request " + id + "): " + e.getMessage()));
        }
    }

    private void route(HttpServerExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toString();
        String path = exchange.getRequestPath();
        List<String> p = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                p.add(java.net.URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        // p[0] = api, p[1] = v1
        if (p.size() < 3 || !p.get(0).equals("api") || !p.get(1).equals("v1")) {
            throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        }
        String resource = p.get(2);
        if (resource.equals("version") && p.size() == 3 && method.equals("GET")) {
            // Argo answers the version to anyone.
            send(exchange, version());
            return;
        }
        Set<String> allowed = tokens.namespaces(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (allowed == null) {
            throw new ArgoException(ArgoException.Code.UNAUTHENTICATED, "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/");
        }
        if (resource.equals("userinfo")) {
            ObjectNode info = ArgoStore.JSON.createObjectNode();
            info.put("subject", "floe-token");
            send(exchange, info);
            return;
        }
        if (resource.equals("batch") && batch != null) {
            // Floe's own: what the web UI's Batch pages show.
            batch.handle(this, exchange, method, p, query(exchange), allowed);
            return;
        }
        String ns = p.size() > 3 ? p.get(3) : "";
        String kind = switch (resource) {
            case "workflows", "workflow-events" -> "workflows";
            case "workflow-templates" -> "workflowtemplates";
            case "cluster-workflow-templates" -> "clusterworkflowtemplates";
            case "cron-workflows" -> "cronworkflows";
            case "archived-workflows" -> "workflows";
            default -> throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        };
        boolean clusterScoped = resource.equals("cluster-workflow-templates") || resource.equals("archived-workflows");
        if (!clusterScoped && !ns.isEmpty() && !ArgoTokens.allows(allowed, ns)) {
            throw new ArgoException(ArgoException.Code.PERMISSION_DENIED, kind + ".argoproj.io is forbidden: this token cannot "
                    + verb(method) + " resource \"" + kind + "\" in API group \"argoproj.io\" in the namespace \"" + ns + "\"");
        }
        if (clusterScoped && !allowed.contains("*") && !method.equals("GET")) {
            throw new ArgoException(ArgoException.Code.PERMISSION_DENIED, kind + ".argoproj.io is forbidden: this token cannot "
                    + verb(method) + " cluster-scoped resource \"" + kind + "\" in API group \"argoproj.io\"");
        }
        Map<String, String> q = query(exchange);
        switch (resource) {
            case "workflows" -> workflows(exchange, method, p, ns, q, allowed);
            case "workflow-events" -> watch(exchange, ns, q, allowed);
            case "archived-workflows" -> archived(exchange, method, p, q, allowed);
            default -> {
                if (objects == null) {
                    throw new ArgoException(ArgoException.Code.UNIMPLEMENTED, resource + " are not served");
                }
                objects.handle(this, exchange, method, resource, p, q, allowed);
            }
        }
    }

    private static String verb(String method) {
        return switch (method) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "DELETE" -> "delete";
            default -> "get";
        };
    }

    private void workflows(HttpServerExchange exchange, String method, List<String> p, String ns, Map<String, String> q, Set<String> allowed)
            throws IOException {
        if (p.size() == 4 && method.equals("POST")) {
            send(exchange, create(ns, body(exchange)));
        } else if (p.size() <= 4 && method.equals("GET")) {
            send(exchange, list(ns, q, allowed));
        } else if (p.size() == 5 && p.get(4).equals("lint") && method.equals("POST")) {
            send(exchange, lint(ns, body(exchange)));
        } else if (p.size() == 5 && p.get(4).equals("submit") && method.equals("POST") && objects != null) {
            send(exchange, objects.submit(this, ns, body(exchange)));
        } else if (p.size() == 5 && method.equals("GET")) {
            send(exchange, fields(answer(row(ns, p.get(4)).body()), q.get("fields")));
        } else if (p.size() == 5 && method.equals("DELETE")) {
            delete(ns, p.get(4));
            send(exchange, ArgoStore.JSON.createObjectNode());
        } else if (p.size() == 6 && method.equals("PUT") && p.get(5).equals("retry")) {
            send(exchange, retry(ns, p.get(4), body(exchange)));
        } else if (p.size() == 6 && method.equals("PUT")) {
            send(exchange, action(ns, p.get(4), p.get(5), body(exchange)));
        } else if (p.size() == 6 && p.get(5).equals("run-state") && method.equals("GET")) {
            // Floe's own: the run page's state (RunStateJson) of a stored workflow, which the web UI polls.
            byte[] json = ArgoRunState.json(row(ns, p.get(4)).body(), clock.getAsLong()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getOutputStream().write(json);
        } else if (p.size() == 6 && p.get(5).equals("log") && method.equals("GET")) {
            logs(exchange, ns, p.get(4), q.get("podName"), q);
        } else if (p.size() == 7 && p.get(6).equals("log") && method.equals("GET")) {
            logs(exchange, ns, p.get(4), p.get(5), q);
        } else {
            throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        }
    }

    // ---- workflows ----

    ObjectNode version() {
        ObjectNode v = ArgoStore.JSON.createObjectNode();
        String floe = ArgoApi.class.getPackage().getImplementationVersion();
        v.put("version", "v3.6.0+floe." + (floe == null ? "dev" : floe));
        v.put("buildDate", "");
        v.put("gitCommit", "");
        v.put("gitTag", "");
        v.put("gitTreeState", "");
        v.put("goVersion", "java" + System.getProperty("java.version"));
        v.put("compiler", "javac");
        v.put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/" + System.getProperty("os.arch"));
        return v;
    }

    /** The workflow of a create or lint request ({@code {"workflow": ...}}), checked to be one. */
    private static ObjectNode workflowOf(JsonNode request, String field) {
        JsonNode wf = request.get(field);
        if (wf == null || wf.isNull()) {
            throw ArgoException.invalid(field + " body not specified");
        }
        if (!wf.isObject()) {
            throw ArgoException.invalid(field + ": expected an object, got " + wf.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return (ObjectNode) wf.deepCopy();
    }

    private ObjectNode create(String ns, JsonNode request) {
        ObjectNode wf = workflowOf(request, "workflow");
        boolean dryRun = request.path("serverDryRun").asBoolean(false)
                || request.path("createOptions").path("dryRun").isArray() && !request.path("createOptions").path("dryRun").isEmpty();
        return create(ns, wf, dryRun, null);
    }

    /** Checks, names and stores a workflow, and queues it to run; {@code labels}: more labels to set (or null). */
    ObjectNode create(String ns, ObjectNode wf, boolean dryRun, Map<String, String> labels) {
        ObjectNode meta = prepare(ns, wf, "Workflow");
        if (labels != null) {
            labels.forEach(meta.with("labels")::put);
        }
        String name = meta.get("name").asText();
        Path dir = workDir.resolve(ns).resolve(name);
        boolean existed = Files.exists(dir);
        if (store.get(ns, name) != null) {
            throw new ArgoException(ArgoException.Code.ALREADY_EXISTS, "workflows.argoproj.io \"" + name + "\" already exists");
        }
        try {
            check(wf, dir, ns);
        } finally {
            if (dryRun && !existed) {
                ArgoRuns.deleteTree(dir);
            }
        }
        long now = clock.getAsLong();
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
        meta.put("generation", 1);
        meta.put("creationTimestamp", ArgoNodes.time(now));
        ObjectNode status = wf.putObject("status");
        status.put("phase", "Pending");
        phaseLabels(wf, "Pending");
        if (dryRun) {
            return answer(wf);
        }
        if (!store.insert(ns, name, "Pending", now, wf)) {
            throw new ArgoException(ArgoException.Code.ALREADY_EXISTS, "workflows.argoproj.io \"" + name + "\" already exists");
        }
        events.publish("ADDED", answer(wf));
        runs.enqueue(ns, name);
        return answer(wf);
    }

    /** Loads the workflow as a run would (the message names the spec path), failing with 400. */
    void check(ObjectNode wf, Path dir, String ns) {
        try {
            loader.load(forLoading(wf), dir, objects == null ? List.of() : objects.templateFiles(ns), false);
        } catch (floe.FloeException e) {
            ArgoRuns.deleteTree(dir);
            String message = e.getMessage() == null ? e.toString() : e.getMessage().replace(dir.toAbsolutePath() + "/", "").replace(dir + "/", "");
            throw ArgoException.invalid(message);
        }
    }

    /** Fills in apiVersion and kind, checks the namespace, resolves generateName; returns the metadata. */
    ObjectNode prepare(String ns, ObjectNode wf, String kind) {
        if (!wf.path("kind").asText(kind).equals(kind)) {
            throw ArgoException.invalid("kind: expected " + kind + ", got " + wf.get("kind").asText());
        }
        wf.put("apiVersion", wf.path("apiVersion").asText("argoproj.io/v1alpha1"));
        wf.put("kind", kind);
        wf.remove("status");
        if (!wf.path("metadata").isObject()) {
            wf.putObject("metadata");
        }
        ObjectNode meta = (ObjectNode) wf.get("metadata");
        String given = meta.path("namespace").asText("");
        if (!given.isEmpty() && !ns.isEmpty() && !given.equals(ns)) {
            throw ArgoException.invalid("metadata.namespace: the namespace of the provided object (" + given
                    + ") does not match the namespace sent on the request (" + ns + ")");
        }
        if (!ns.isEmpty()) {
            meta.put("namespace", ns);
        }
        String name = meta.path("name").asText("");
        if (name.isEmpty()) {
            String prefix = meta.path("generateName").asText("");
            if (prefix.isEmpty()) {
                throw ArgoException.invalid(kind + ".argoproj.io \"\" is invalid: metadata.name: Required value: name or generateName is required");
            }
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < 5; i++) {
                b.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
            }
            name = b.toString();
            meta.put("name", name);
        }
        if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
            throw ArgoException.invalid(kind + ".argoproj.io \"" + name + "\" is invalid: metadata.name: Invalid value: \"" + name
                    + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
        }
        return meta;
    }

    /** The document the Argo loader reads: the workflow without its status and Floe's bookkeeping. */
    static ObjectNode forLoading(ObjectNode wf) {
        ObjectNode copy = wf.deepCopy();
        copy.remove("status");
        copy.remove(PRIVATE);
        ObjectNode meta = (ObjectNode) copy.get("metadata");
        if (meta != null) {
            meta.remove("generateName");
        }
        return copy;
    }

    /** What the API answers: the stored workflow without Floe's own bookkeeping. */
    static ObjectNode answer(ObjectNode wf) {
        ObjectNode copy = wf.deepCopy();
        copy.remove(PRIVATE);
        return copy;
    }

    static void phaseLabels(ObjectNode wf, String phase) {
        ObjectNode labels = ((ObjectNode) wf.get("metadata")).with("labels");
        if (!phase.equals("Pending")) {
            labels.put(PHASE_LABEL, phase);
        }
        boolean done = !(phase.equals("Pending") || phase.equals("Running"));
        labels.put(COMPLETED_LABEL, Boolean.toString(done));
    }

    private ObjectNode lint(String ns, JsonNode request) {
        ObjectNode wf = workflowOf(request, "workflow");
        prepare(ns, wf, "Workflow");
        Path dir = scratch();
        try {
            check(wf, dir, ns);
        } finally {
            ArgoRuns.deleteTree(dir);
        }
        return answer(wf);
    }

    /** A directory to check a document in, removed by the caller. */
    Path scratch() {
        return workDir.resolve(".lint").resolve(UUID.randomUUID().toString());
    }

    /** Deletes an ended workflow (a CronWorkflow's history beyond its limit). */
    void deleteEnded(String ns, String name) {
        delete(ns, name);
    }

    ArgoStore.Row row(String ns, String name) {
        ArgoStore.Row row = store.get(ns, name);
        if (row == null) {
            throw ArgoException.notFound("workflows", name);
        }
        return row;
    }

    private ObjectNode list(String ns, Map<String, String> q, Set<String> allowed) {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        out.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion.get()));
        ArrayNode items = out.putArray("items");
        LabelSelector labels = LabelSelector.parse(q.get("listOptions.labelSelector"));
        Map<String, String> fieldSel = fieldSelector(q.get("listOptions.fieldSelector"));
        int limit = q.containsKey("listOptions.limit") ? Integer.parseInt(q.get("listOptions.limit")) : 0;
        for (ArgoStore.Row row : store.list(ns)) {
            if (!ArgoTokens.allows(allowed, row.namespace()) || !matches(row.body(), labels, fieldSel)) {
                continue;
            }
            if (limit > 0 && items.size() >= limit) {
                break;
            }
            items.add(answer(row.body()));
        }
        return fields(out, q.get("fields"));
    }

    static boolean matches(ObjectNode wf, LabelSelector labels, Map<String, String> fieldSel) {
        Map<String, String> l = new HashMap<>();
        wf.path("metadata").path("labels").fields().forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
        if (!labels.test(l)) {
            return false;
        }
        for (Map.Entry<String, String> f : fieldSel.entrySet()) {
            boolean negate = f.getKey().endsWith("!");
            String path = negate ? f.getKey().substring(0, f.getKey().length() - 1) : f.getKey();
            JsonNode v = wf;
            for (String part : path.split("\\.")) {
                v = v.path(part);
            }
            if (v.asText("").equals(f.getValue()) == negate) {
                return false;
            }
        }
        return true;
    }

    /** {@code metadata.name=x,metadata.namespace!=y}: by path; a key ending in {@code !} is a "not equal". */
    static Map<String, String> fieldSelector(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            int ne = part.indexOf("!=");
            int eq = part.indexOf('=');
            if (ne > 0) {
                out.put(part.substring(0, ne).strip() + "!", part.substring(ne + 2).strip());
            } else if (eq > 0) {
                out.put(part.substring(0, eq).strip(), part.substring(part.charAt(eq + 1) == '=' ? eq + 2 : eq + 1).strip());
            } else {
                throw ArgoException.invalid("listOptions.fieldSelector: '" + part + "' is not FIELD=VALUE");
            }
        }
        return out;
    }

    private void delete(String ns, String name) {
        ArgoStore.Row row = row(ns, name);
        if (row.phase().equals("Pending") || row.phase().equals("Running")) {
            runs.stop(ns, name, "Terminate");
            waitForEnd(ns, name, 30_000);
        }
        ArgoStore.Row last = store.get(ns, name);
        if (store.delete(ns, name)) {
            events.publish("DELETED", answer(last == null ? row.body() : last.body()));
        }
        ArgoRuns.deleteTree(workDir.resolve(ns).resolve(name));
        ArgoRuns.deleteTree(runs.logs(name));
        runs.forgetJournal(name);
    }

    private ArgoStore.Row waitForEnd(String ns, String name, long millis) {
        long until = System.currentTimeMillis() + millis;
        ArgoStore.Row row = store.get(ns, name);
        while (row != null && (row.phase().equals("Pending") || row.phase().equals("Running")) && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            row = store.get(ns, name);
        }
        return row;
    }

    /**
     * Argo's retry: the failed nodes (and, with {@code restartSuccessful}, those {@code
     * nodeFieldSelector} matches) and what follows them run again; the other succeeded nodes are
     * kept and their tasks not run again ({@link ArgoRetry}).
     */
    private ObjectNode retry(String ns, String name, JsonNode request) {
        ArgoStore.Row row = row(ns, name);
        ObjectNode wf = ArgoRetry.prepare(row.body(), request, runs.journal());
        ObjectNode meta = (ObjectNode) wf.get("metadata");
        meta.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
        ((ObjectNode) meta.with("labels")).remove(PHASE_LABEL);
        phaseLabels(wf, "Pending");
        store.update(ns, name, "Pending", wf, false);
        events.publish("MODIFIED", answer(wf));
        runs.enqueue(ns, name);
        return answer(wf);
    }

    private ObjectNode action(String ns, String name, String action, JsonNode request) {
        ArgoStore.Row row = row(ns, name);
        boolean running = row.phase().equals("Pending") || row.phase().equals("Running");
        switch (action) {
            case "stop", "terminate" -> {
                String strategy = action.equals("stop") ? "Stop" : "Terminate";
                if (!running || !runs.stop(ns, name, strategy)) {
                    throw new ArgoException(ArgoException.Code.FAILED_PRECONDITION, "cannot shutdown a completed workflow: workflow: \""
                            + name + "\", namespace: \"" + ns + "\"");
                }
                return answer(waitForEnd(ns, name, 30_000).body());
            }
            case "resubmit" -> {
                ObjectNode wf = forLoading(row.body());
                ObjectNode meta = (ObjectNode) wf.get("metadata");
                for (String k : List.of("name", "uid", "resourceVersion", "generation", "creationTimestamp")) {
                    meta.remove(k);
                }
                meta.put("generateName", name + "-");
                ObjectNode labels = meta.with("labels");
                labels.remove(PHASE_LABEL);
                labels.remove(COMPLETED_LABEL);
                labels.put("workflows.argoproj.io/resubmitted-from-workflow", name);
                if (meta.path("annotations").isObject()) {
                    ((ObjectNode) meta.get("annotations")).remove(ArgoRuns.RESTARTS);
                }
                return create(ns, wf, false, null);
            }
            case "suspend" -> {
                return suspensions.suspend(ns, name);
            }
            case "resume" -> {
                return suspensions.resume(ns, name, request);
            }
            case "set" -> {
                return suspensions.set(ns, name, request);
            }
            default -> throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
        }
    }

    // ---- streams ----

    /** Writes stream entries: server-sent events ({@code data: {...}}) when asked for, else one JSON object a line. */
    private static final class Stream {
        private final OutputStream out;
        private final boolean sse;

        Stream(HttpServerExchange exchange) {
            String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
            this.sse = accept != null && accept.contains("text/event-stream");
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, sse ? "text/event-stream" : "application/json");
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            this.out = exchange.getOutputStream();
        }

        void result(JsonNode result) throws IOException {
            ObjectNode line = ArgoStore.JSON.createObjectNode();
            line.set("result", result);
            out.write(((sse ? "data: " : "") + line + (sse ? "\n\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Keeps an idle stream alive and finds a client that left (a comment line, which SSE readers skip). */
        void heartbeat() throws IOException {
            if (sse) {
                out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        void close() throws IOException {
            out.close();
        }
    }

    private void watch(HttpServerExchange exchange, String ns, Map<String, String> q, Set<String> allowed) throws IOException {
        LabelSelector labels = LabelSelector.parse(q.get("listOptions.labelSelector"));
        Map<String, String> fieldSel = fieldSelector(q.get("listOptions.fieldSelector"));
        String fields = q.get("fields");
        LinkedBlockingQueue<ArgoEvents.Event> queue = new LinkedBlockingQueue<>();
        Runnable unsubscribe = events.subscribe(queue::add);
        try {
            Stream stream = new Stream(exchange);
            for (ArgoStore.Row row : store.list(ns)) {
                if (ArgoTokens.allows(allowed, row.namespace()) && matches(row.body(), labels, fieldSel)) {
                    stream.result(event("ADDED", answer(row.body()), fields));
                }
            }
            long idle = 0;
            while (!closing) {
                ArgoEvents.Event e;
                try {
                    e = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (e == null) {
                    if (++idle % 10 == 0) {
                        stream.heartbeat();
                    }
                    continue;
                }
                idle = 0;
                String eventNs = e.workflow().path("metadata").path("namespace").asText();
                if ((ns.isEmpty() || ns.equals(eventNs)) && ArgoTokens.allows(allowed, eventNs) && matches(e.workflow(), labels, fieldSel)) {
                    stream.result(event(e.type(), answer(e.workflow()), fields));
                }
            }
        } catch (IOException gone) {
            // the client left
        } finally {
            unsubscribe.run();
        }
    }

    private static ObjectNode event(String type, ObjectNode wf, String fields) {
        ObjectNode e = ArgoStore.JSON.createObjectNode();
        e.put("type", type);
        e.set("object", wf);
        return fields == null || fields.isBlank() ? e : fields(e, fields);
    }

    /**
     * A workflow's logs as Argo streams them: each line of each task's main container (its stdout
     * then its stderr, attempt by attempt) as {@code {"content", "podName"}}; {@code follow} keeps
     * reading new lines and tasks until the workflow has ended.
     */
    private void logs(HttpServerExchange exchange, String ns, String name, String podName, Map<String, String> q) throws IOException {
        row(ns, name);
        String container = q.getOrDefault("logOptions.container", "main");
        boolean follow = Boolean.parseBoolean(q.getOrDefault("logOptions.follow", "false"));
        String grep = q.get("grep");
        Stream stream = new Stream(exchange);
        if (!container.equals("main")) {
            stream.close();
            return; // Floe's tasks have no init or wait container: nothing to show
        }
        Map<Path, Long> offsets = new HashMap<>();
        Map<Path, StringBuilder> partial = new HashMap<>();
        try {
            while (true) {
                ArgoStore.Row row = store.get(ns, name);
                if (row == null) {
                    break;
                }
                boolean ended = !(row.phase().equals("Pending") || row.phase().equals("Running"));
                JsonNode pods = row.body().path(PRIVATE).path("pods");
                Path logs = Path.of(row.body().path(PRIVATE).path("logs").asText(runs.logs(name).toString()));
                for (Iterator<Map.Entry<String, JsonNode>> it = pods.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> pod = it.next();
                    if (podName != null && !podName.isEmpty() && !podName.equals(pod.getKey())) {
                        continue;
                    }
                    String[] task = pod.getValue().asText().split("/");
                    Path dir = logs.resolve(task[0]);
                    int index = Integer.parseInt(task[1]);
                    for (int attempt = 0; attempt < 100; attempt++) {
                        boolean any = false;
                        for (String suffix : List.of(".out", ".err")) {
                            Path f = dir.resolve(String.format("task-%05d.attempt-%d%s", index, attempt, suffix));
                            if (Files.isRegularFile(f)) {
                                any = true;
                                for (String line : newLines(f, offsets, partial, ended)) {
                                    if (grep == null || line.contains(grep)) {
                                        ObjectNode entry = ArgoStore.JSON.createObjectNode();
                                        entry.put("content", line);
                                        entry.put("podName", pod.getKey());
                                        stream.result(entry);
                                    }
                                }
                            }
                        }
                        if (!any && attempt > 0) {
                            break;
                        }
                    }
                }
                if (!follow || ended || closing) {
                    break;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stream.close();
        } catch (IOException gone) {
            // the client left
        }
    }

    /** Whole lines added to {@code f} since the last call; the last partial line too when {@code all}. */
    private static List<String> newLines(Path f, Map<Path, Long> offsets, Map<Path, StringBuilder> partial, boolean all) throws IOException {
        List<String> lines = new ArrayList<>();
        long from = offsets.getOrDefault(f, 0L);
        try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "r")) {
            long length = file.length();
            if (length > from) {
                byte[] b = new byte[(int) Math.min(length - from, 16 * 1024 * 1024)];
                file.seek(from);
                file.readFully(b);
                offsets.put(f, from + b.length);
                StringBuilder pending = partial.computeIfAbsent(f, x -> new StringBuilder());
                pending.append(new String(b, StandardCharsets.UTF_8));
                int nl;
                while ((nl = pending.indexOf("\n")) >= 0) {
                    lines.add(pending.substring(0, nl));
                    pending.delete(0, nl + 1);
                }
            }
        }
        StringBuilder pending = partial.get(f);
        if (all && pending != null && pending.length() > 0) {
            lines.add(pending.toString());
            pending.setLength(0);
        }
        return lines;
    }

    // ---- archived workflows: the ended workflows this server keeps ----

    private void archived(HttpServerExchange exchange, String method, List<String> p, Map<String, String> q, Set<String> allowed) {
        if (p.size() == 3 && method.equals("GET")) {
            ObjectNode out = ArgoStore.JSON.createObjectNode();
            out.putObject("metadata");
            ArrayNode items = out.putArray("items");
            LabelSelector labels = LabelSelector.parse(q.get("listOptions.labelSelector"));
            String ns = q.getOrDefault("namespace", "");
            for (ArgoStore.Row row : store.list(ns)) {
                if (ArgoTokens.allows(allowed, row.namespace()) && !(row.phase().equals("Pending") || row.phase().equals("Running"))
                        && matches(row.body(), labels, Map.of())) {
                    items.add(answer(row.body()));
                }
            }
            send(exchange, fields(out, q.get("fields")));
            return;
        }
        if (p.size() == 4) {
            ArgoStore.Row found = null;
            for (ArgoStore.Row row : store.list(null)) {
                if (row.body().path("metadata").path("uid").asText().equals(p.get(3)) && ArgoTokens.allows(allowed, row.namespace())
                        && !(row.phase().equals("Pending") || row.phase().equals("Running"))) {
                    found = row;
                }
            }
            if (found == null) {
                throw new ArgoException(ArgoException.Code.NOT_FOUND, "not found");
            }
            if (method.equals("GET")) {
                send(exchange, answer(found.body()));
                return;
            }
            if (method.equals("DELETE")) {
                delete(found.namespace(), found.name());
                send(exchange, ArgoStore.JSON.createObjectNode());
                return;
            }
        }
        throw new ArgoException(ArgoException.Code.NOT_FOUND, "Not Found");
    }

    // ---- plumbing ----

    /**
     * Keeps only the listed paths ({@code items.metadata.name,items.status.phase}) or, when the
     * list starts with {@code -}, drops them, as Argo's {@code fields} parameter does.
     */
    static ObjectNode fields(ObjectNode value, String fields) {
        if (fields == null || fields.isBlank()) {
            return value;
        }
        boolean exclude = fields.startsWith("-");
        List<String[]> paths = new ArrayList<>();
        for (String f : (exclude ? fields.substring(1) : fields).split(",")) {
            if (!f.isBlank()) {
                paths.add(f.strip().split("\\."));
            }
        }
        if (exclude) {
            ObjectNode copy = value.deepCopy();
            for (String[] path : paths) {
                remove(copy, path, 0);
            }
            return copy;
        }
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        for (String[] path : paths) {
            keep(value, out, path, 0);
        }
        return out;
    }

    private static void remove(JsonNode node, String[] path, int at) {
        if (node instanceof ArrayNode array) {
            array.forEach(e -> remove(e, path, at));
        } else if (node instanceof ObjectNode object) {
            if (at == path.length - 1) {
                object.remove(path[at]);
            } else {
                remove(object.get(path[at]), path, at + 1);
            }
        }
    }

    private static void keep(JsonNode from, ObjectNode to, String[] path, int at) {
        JsonNode v = from.get(path[at]);
        if (v == null) {
            return;
        }
        if (at == path.length - 1) {
            to.set(path[at], v.deepCopy());
        } else if (v.isArray()) {
            ArrayNode target = to.has(path[at]) ? (ArrayNode) to.get(path[at]) : to.putArray(path[at]);
            for (int i = 0; i < v.size(); i++) {
                if (target.size() <= i) {
                    target.addObject();
                }
                if (v.get(i).isObject() && target.get(i).isObject()) {
                    keep(v.get(i), (ObjectNode) target.get(i), path, at + 1);
                }
            }
        } else if (v.isObject()) {
            ObjectNode target = to.has(path[at]) && to.get(path[at]).isObject() ? (ObjectNode) to.get(path[at]) : to.putObject(path[at]);
            keep(v, target, path, at + 1);
        }
    }

    private static Map<String, String> query(HttpServerExchange exchange) {
        Map<String, String> q = new HashMap<>();
        for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                q.put(e.getKey(), e.getValue().getFirst());
            }
        }
        return q;
    }

    /** The request's JSON object, read up to the size limit. */
    JsonNode body(HttpServerExchange exchange) throws IOException {
        InputStream in = exchange.getInputStream();
        byte[] b = in.readNBytes(maxBody + 1);
        if (b.length > maxBody) {
            throw ArgoException.invalid("the request body is over the limit of " + maxBody + " bytes (floe.server.max-body-bytes)");
        }
        if (b.length == 0) {
            return ArgoStore.JSON.createObjectNode();
        }
        try {
            JsonNode node = ArgoStore.JSON.readTree(b);
            if (node == null || !node.isObject()) {
                throw ArgoException.invalid("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ArgoException.invalid("the request body is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
    }

    void send(HttpServerExchange exchange, JsonNode json) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(json.toString(), StandardCharsets.UTF_8);
    }

    private static void error(HttpServerExchange exchange, ArgoException e) {
        if (exchange.isResponseStarted()) {
            return;
        }
        ObjectNode body = ArgoStore.JSON.createObjectNode();
        body.put("code", e.code().grpc);
        body.put("message", e.getMessage());
        body.put("error", e.getMessage());
        body.putArray("details");
        exchange.setStatusCode(e.code().http);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body.toString(), StandardCharsets.UTF_8);
    }
}

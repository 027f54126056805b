package floe.service.argo;

import floe.exec.Suspensions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT .../suspend}, {@code .../resume} and {@code .../set} of a workflow, as Argo's
 * {@code SuspendWorkflow}, {@code ResumeWorkflow} and {@code SetWorkflow} do them, through the
 * files Floe's runs wait on ({@link Suspensions}): a suspend sets {@code spec.suspend} and writes
 * the run's hold file, so no task of it starts while those running go on (the phase stays
 * Running); a resume clears both and resumes the run's suspended nodes (suspend templates, and the
 * wait of a workflow submitted with {@code spec.suspend}), or with {@code nodeFieldSelector} only
 * the suspend nodes it matches; a set gives matching suspend nodes their supplied output
 * parameters, and with {@code phase} ends their wait (Succeeded: they go on; Failed or Error: they fail).
 */
final class ArgoSuspend {
    /** Floe's bookkeeping of values given with set before the node is resumed: node id to name to value. */
    private static final String SUPPLIED = "supplied";
    /** The node name of the wait a workflow submitted with {@code spec.suspend} begins with. */
    private static final String WORKFLOW_WAIT = "workflow";

    private final ArgoRuns runs;

    ArgoSuspend(ArgoRuns runs) {
        this.runs = runs;
    }

    ObjectNode suspend(String ns, String name) {
        ObjectNode wf = workflow(ns, name);
        if (!running(wf)) {
            throw new ArgoException(ArgoException.Code.FAILED_PRECONDITION, "cannot suspend completed workflows");
        }
        return ArgoApi.answer(runs.edit(ns, name, body -> {
            ((ObjectNode) body.with("spec")).put("suspend", true);
            ObjectNode own = body.with(ArgoApi.PRIVATE);
            if (!own.has(ArgoRuns.HELD_RUNNING)) {
                own.set(ArgoRuns.HELD_RUNNING, own.path("running").isObject() ? own.get("running").deepCopy() : ArgoStore.JSON.createObjectNode());
            }
            Path hold = hold(body);
            if (hold != null) {
                try {
                    Suspensions.hold(hold);
                } catch (IOException e) {
                    throw new UncheckedIOException(hold + ": cannot hold the run: " + e.getMessage(), e);
                }
            }
        }));
    }

    ObjectNode resume(String ns, String name, JsonNode request) {
        ObjectNode wf = workflow(ns, name);
        String selector = request.path("nodeFieldSelector").asText("");
        if (!selector.isEmpty()) {
            // As Argo: only the suspend nodes the selector matches, spec.suspend as it was.
            List<Waiting> matched = matching(wf, selector);
            for (Waiting w : matched) {
                resumeNode(wf, w);
            }
            return ArgoApi.answer(runs.current(ns, name));
        }
        ObjectNode changed = runs.edit(ns, name, body -> {
            if (body.path("spec").isObject()) {
                ((ObjectNode) body.get("spec")).remove("suspend");
            }
            if (body.path(ArgoApi.PRIVATE).isObject()) {
                ((ObjectNode) body.get(ArgoApi.PRIVATE)).remove(ArgoRuns.HELD_RUNNING);
            }
            Path hold = hold(body);
            try {
                if (hold != null) {
                    Suspensions.release(hold);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(hold + ": cannot release the run: " + e.getMessage(), e);
            }
        });
        if (running(wf)) {
            List<Waiting> waiting = waiting(changed);
            for (Waiting w : waiting) {
                resumeNode(changed, w);
            }
            Path hold = hold(changed);
            if (hold != null && wf.path("spec").path("suspend").asBoolean(false)
                    && waiting.stream().noneMatch(w -> w.file().node().equals(WORKFLOW_WAIT))) {
                // Submitted suspended, its wait not begun yet: it goes on when it gets there.
                try {
                    Suspensions.resumeAhead(hold.getParent(), WORKFLOW_WAIT);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return ArgoApi.answer(runs.current(ns, name));
    }

    ObjectNode set(String ns, String name, JsonNode request) {
        ObjectNode wf = workflow(ns, name);
        String selector = request.path("nodeFieldSelector").asText("");
        if (selector.isEmpty()) {
            throw ArgoException.invalid("'set' currently only targets suspend nodes, use a node field selector to target them");
        }
        String phase = request.path("phase").asText("");
        if (!List.of("", "Succeeded", "Failed", "Error").contains(phase)) {
            throw ArgoException.invalid(phase + " is an invalid phase to set to");
        }
        String message = request.path("message").asText("");
        Map<String, String> values = new LinkedHashMap<>();
        String given = request.path("outputParameters").asText("");
        if (!given.isEmpty()) {
            try {
                values.putAll(ArgoStore.JSON.readValue(given, new TypeReference<Map<String, String>>() {}));
            } catch (IOException e) {
                throw ArgoException.invalid("unable to parse output parameter set request: " + e.getMessage());
            }
        }
        List<Waiting> matched = matching(wf, selector);
        for (Waiting w : matched) {
            for (String p : values.keySet()) {
                if (!w.file().defaults().containsKey(p)) {
                    throw ArgoException.invalid("node is not expecting output parameter '" + p + "'");
                }
            }
        }
        if (!values.isEmpty()) {
            runs.edit(ns, name, body -> matched.forEach(w -> values.forEach(
                    ((ObjectNode) body.with(ArgoApi.PRIVATE).with(SUPPLIED).with(w.nodeId()))::put)));
        }
        ObjectNode now = runs.current(ns, name);
        for (Waiting w : matched) {
            try {
                if (phase.equals("Succeeded")) {
                    resumeNode(now, w);
                } else if (!phase.isEmpty()) {
                    Suspensions.fail(w.file(), message.isEmpty() ? "set to " + phase : message);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ArgoApi.answer(runs.current(ns, name));
    }

    // ---- the run's suspended nodes ----

    /** A suspended task of the run, with its Argo node (null for the wait of {@code spec.suspend}, which has none). */
    private record Waiting(Suspensions.Waiting file, String nodeId, JsonNode node) {}

    private ObjectNode workflow(String ns, String name) {
        ObjectNode wf = runs.current(ns, name);
        if (wf == null) {
            throw ArgoException.notFound("workflows", name);
        }
        return wf;
    }

    private static boolean running(ObjectNode wf) {
        String phase = wf.path("status").path("phase").asText("Pending");
        return phase.equals("Pending") || phase.equals("Running");
    }

    private static Path hold(ObjectNode wf) {
        String hold = wf.path(ArgoApi.PRIVATE).path("hold").asText("");
        return hold.isEmpty() ? null : Path.of(hold);
    }

    /** The run's tasks that wait now, each with its node. */
    private static List<Waiting> waiting(ObjectNode wf) {
        Path hold = hold(wf);
        List<Waiting> out = new ArrayList<>();
        if (hold == null) {
            return out;
        }
        Path runDir = hold.getParent();
        Map<String, String> podOf = new HashMap<>();
        wf.path(ArgoApi.PRIVATE).path("pods").fields().forEachRemaining(e -> podOf.put(e.getValue().asText(), e.getKey()));
        try {
            for (Suspensions.Waiting w : Suspensions.waiting(runDir.getParent())) {
                if (!w.file().getParent().equals(runDir)) {
                    continue;
                }
                // A suspend node is its stage's task: NODE is the stage's name, or STAGE(N) in a loop.
                String node = w.node();
                int paren = node.lastIndexOf('(');
                String task = paren > 0 && node.endsWith(")") ? node.substring(0, paren) + "/" + node.substring(paren + 1, node.length() - 1)
                        : node + "/0";
                String id = podOf.get(task);
                JsonNode argoNode = id == null ? null : wf.path("status").path("nodes").path(id);
                out.add(new Waiting(w, id, argoNode == null || argoNode.isMissingNode() ? null : argoNode));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The suspend nodes {@code selector} matches (Argo's node fields), or a 400 when none does. */
    private static List<Waiting> matching(ObjectNode wf, String selector) {
        Map<String, String> wanted = ArgoApi.fieldSelector(selector);
        List<Waiting> out = new ArrayList<>();
        for (Waiting w : waiting(wf)) {
            if (w.node() != null && matches(w.node(), wanted)) {
                out.add(w);
            }
        }
        if (out.isEmpty()) {
            throw new ArgoException(ArgoException.Code.FAILED_PRECONDITION,
                    "currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: " + selector);
        }
        return out;
    }

    /** Argo's SelectorMatchesNode: displayName, templateName, phase, name, id, inputs.parameters.NAME.value. */
    private static boolean matches(JsonNode node, Map<String, String> wanted) {
        Map<String, String> fields = new HashMap<>();
        for (String f : new String[] {"displayName", "templateName", "phase", "name", "id"}) {
            fields.put(f, node.path(f).asText(""));
        }
        for (JsonNode p : node.path("inputs").path("parameters")) {
            fields.put("inputs.parameters." + p.path("name").asText() + ".value", p.path("value").asText(""));
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            boolean negate = e.getKey().endsWith("!");
            String field = negate ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
            if (fields.getOrDefault(field, "").equals(e.getValue()) == negate) {
                return false;
            }
        }
        return true;
    }

    /** Ends a node's wait with the values set for it (each one not set takes its default). */
    private static void resumeNode(ObjectNode wf, Waiting w) {
        Map<String, String> values = new LinkedHashMap<>();
        if (w.nodeId() != null) {
            wf.path(ArgoApi.PRIVATE).path(SUPPLIED).path(w.nodeId()).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        }
        try {
            Suspensions.resume(w.file(), values);
        } catch (floe.SpecException e) {
            throw ArgoException.invalid(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

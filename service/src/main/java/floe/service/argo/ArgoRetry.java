package floe.service.argo;

import floe.exec.TaskJournal;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;
import floe.report.TaskRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code PUT .../retry} as Argo's {@code FormulateRetryWorkflow} does it: the failed task nodes,
 * and with {@code restartSuccessful} the nodes {@code nodeFieldSelector} matches (with every node
 * under them), run again, and so does everything after them; every other succeeded node is kept,
 * with its phase, times, outputs and logs, and its task is not run again. Floe keeps a node by
 * keeping its task's record in the run's journal ({@link TaskJournal}) and resumes the run from it;
 * what runs again is removed from the journal (an exit handler keeps none: it runs again, as Argo's).
 * Everything after a node that runs again is counted by stage: every task of a later stage runs
 * again, as Argo's steps do.
 */
final class ArgoRetry {
    private ArgoRetry() {}

    /** The records of the tasks {@code workflow}'s journal holds, as a resumed run reports them: their first run's times. */
    static List<TaskRecord> journaled(String journal, Workflow workflow) {
        List<TaskRecord> out = new ArrayList<>();
        for (Stage s : workflow.stages()) {
            if (s.name().startsWith("floe.")) {
                continue;
            }
            try {
                for (TaskCompletion c : TaskJournal.recorded(journal, workflow.name(), s.name())) {
                    out.add(TaskRecord.alreadySucceeded(c));
                }
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ArgoRetry.class).warn("workflow {}: the journal of stage {} cannot be read: {}",
                        workflow.name(), s.name(), e.toString());
            }
        }
        return out;
    }

    /**
     * Makes stored workflow {@code wf} ready to run again as {@code request} ({@code
     * restartSuccessful}, {@code nodeFieldSelector}, {@code parameters}) asks: what runs again is
     * removed from {@code journal}; answers the workflow as it waits (Pending, its kept nodes).
     */
    static ObjectNode prepare(ObjectNode wf, JsonNode request, String journal) {
        String name = wf.path("metadata").path("name").asText();
        String phase = wf.path("status").path("phase").asText();
        boolean restartSuccessful = request != null && request.path("restartSuccessful").asBoolean(false);
        String selector = request == null ? "" : request.path("nodeFieldSelector").asText("");
        switch (phase) {
            case "Failed", "Error" -> { }
            case "Succeeded" -> {
                if (!restartSuccessful || selector.isEmpty()) {
                    throw ArgoException.invalid("To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector");
                }
            }
            default -> throw ArgoException.invalid("Cannot retry a workflow in phase " + phase);
        }
        if (request != null && request.path("parameters").isArray() && !request.path("parameters").isEmpty()) {
            throw ArgoException.invalid("parameters: a retry with new parameters is not served by Floe's server"
                    + " (its kept tasks ran with the old ones): resubmit the workflow with them");
        }
        Map<String, String> fields = ArgoApi.fieldSelector(restartSuccessful ? selector : "");
        JsonNode nodes = wf.path("status").path("nodes");
        JsonNode pods = wf.path(ArgoApi.PRIVATE).path("pods");

        // The nodes that run again: failed task nodes, and the selected nodes with every node under them.
        Set<String> reset = new LinkedHashSet<>();
        nodes.fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            String p = n.path("phase").asText();
            if (n.path("type").asText().equals("Pod") && (p.equals("Failed") || p.equals("Error"))) {
                reset.add(e.getKey());
            }
            if (!fields.isEmpty() && matches(n, fields)) {
                under(nodes, e.getKey(), reset);
            }
        });
        Map<String, Set<Integer>> tasks = new HashMap<>();
        for (String id : reset) {
            String pod = pods.path(id).asText("");
            int slash = pod.lastIndexOf('/');
            if (slash > 0) {
                tasks.computeIfAbsent(pod.substring(0, slash), k -> new TreeSet<>()).add(Integer.parseInt(pod.substring(slash + 1)));
            }
        }
        Set<String> later = downstream(wf.path(ArgoApi.PRIVATE).path("stages"), tasks.keySet());
        if (journal != null) {
            try {
                for (Map.Entry<String, Set<Integer>> stage : tasks.entrySet()) {
                    for (int i : stage.getValue()) {
                        TaskJournal.forget(journal, name, stage.getKey(), i);
                    }
                }
                for (String stage : later) {
                    TaskJournal.forget(journal, name, stage);
                }
            } catch (IOException e) {
                throw new floe.FloeException("workflow " + name + ": cannot prepare its retry: " + e.getMessage(), e);
            }
        }

        // Kept: the nodes that succeeded (or were skipped) and run not again; the rest is made again by the run.
        ObjectNode kept = ArgoStore.JSON.createObjectNode();
        nodes.fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            String p = n.path("phase").asText();
            String pod = pods.path(e.getKey()).asText("");
            String stage = pod.contains("/") ? pod.substring(0, pod.lastIndexOf('/')) : null;
            boolean again = reset.contains(e.getKey()) || (stage != null && later.contains(stage));
            if (e.getKey().equals(name)) {
                ObjectNode root = n.deepCopy();
                root.put("phase", "Running");
                root.remove("finishedAt");
                root.remove("message");
                kept.set(e.getKey(), root);
            } else if (!again && (p.equals("Succeeded") || p.equals("Skipped")) && (stage != null || !n.path("type").asText().equals("Pod"))) {
                kept.set(e.getKey(), n.deepCopy());
            }
        });
        ObjectNode status = ArgoStore.JSON.createObjectNode();
        status.put("phase", "Pending");
        if (wf.path("status").has("startedAt")) {
            status.set("startedAt", wf.path("status").get("startedAt"));
        }
        status.set("nodes", kept);
        wf.set("status", status);
        wf.with(ArgoApi.PRIVATE).put(ArgoRuns.RESUME, true);
        return wf;
    }

    /** {@code id} and every node under it (its children, theirs, ...). */
    private static void under(JsonNode nodes, String id, Set<String> out) {
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (out.add(next)) {
                nodes.path(next).path("children").forEach(c -> todo.push(c.asText()));
            }
        }
    }

    /** The stages after any of {@code from}, transitively, from the stored stages ({@code name}, {@code after}). */
    private static Set<String> downstream(JsonNode stages, Set<String> from) {
        Set<String> out = new TreeSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (JsonNode s : stages) {
                String stage = s.path("name").asText();
                if (out.contains(stage)) {
                    continue;
                }
                for (JsonNode up : s.path("after")) {
                    if (from.contains(up.asText()) || out.contains(up.asText())) {
                        out.add(stage);
                        grew = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Whether node {@code n} has the fields {@code nodeFieldSelector} asks for (Argo's {@code SelectorMatchesNode}). */
    private static boolean matches(JsonNode n, Map<String, String> selector) {
        Map<String, String> fields = new HashMap<>();
        for (String f : List.of("displayName", "templateName", "phase", "name", "id")) {
            fields.put(f, n.path(f).asText(""));
        }
        if (n.has("templateRef")) {
            fields.put("templateRef.name", n.path("templateRef").path("name").asText(""));
            fields.put("templateRef.template", n.path("templateRef").path("template").asText(""));
        }
        for (JsonNode p : n.path("inputs").path("parameters")) {
            fields.put("inputs.parameters." + p.path("name").asText() + ".value", p.path("value").asText(""));
        }
        for (Map.Entry<String, String> want : selector.entrySet()) {
            boolean negate = want.getKey().endsWith("!");
            String key = negate ? want.getKey().substring(0, want.getKey().length() - 1) : want.getKey();
            String value = want.getValue().startsWith("=") ? want.getValue().substring(1) : want.getValue();
            if (fields.getOrDefault(key, "").equals(value) == negate) {
                return false;
            }
        }
        return true;
    }
}

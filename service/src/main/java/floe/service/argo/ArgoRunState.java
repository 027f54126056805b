package floe.service.argo;

import floe.report.NodePhase;
import floe.report.RunState;
import floe.report.RunStateJson;
import floe.report.StageState;
import floe.report.TaskRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A stored workflow as the run page's state ({@link RunStateJson}): its stages (kept when it
 * started to run), each task node of {@code status.nodes} as a task record (its phase, times,
 * attempts as its log files count them, exit code and message), the workflow's phase and
 * progress; and, per stage, each task's node id, so that the page finds a node's inputs, outputs
 * and log through Argo's API. The web UI's run page polls it while the workflow runs.
 */
final class ArgoRunState {
    private static final Pattern ATTEMPT = Pattern.compile("task-(\\d{5,})\\.attempt-(\\d+)\\.(out|err)");

    private ArgoRunState() {}

    /** The page's JSON for the stored workflow {@code wf} at {@code now} (ms). */
    /**
     * The suspend nodes that wait now, for the page's Resume form: id, displayName, and the output
     * parameters each takes ({@code valueFrom.supplied}) with their defaults.
     */
    private static com.fasterxml.jackson.databind.node.ArrayNode waiting(ObjectNode wf) {
        com.fasterxml.jackson.databind.node.ArrayNode out = ArgoStore.JSON.createArrayNode();
        for (JsonNode n : wf.path("status").path("nodes")) {
            if (!n.path("type").asText().equals("Suspend") || !n.path("phase").asText().equals("Running")) {
                continue;
            }
            ObjectNode w = out.addObject();
            w.put("id", n.path("id").asText());
            w.put("displayName", n.path("displayName").asText());
            com.fasterxml.jackson.databind.node.ArrayNode supplied = w.putArray("parameters");
            for (JsonNode t : wf.path("spec").path("templates")) {
                if (!t.path("name").asText().equals(n.path("templateName").asText())) {
                    continue;
                }
                for (JsonNode p : t.path("outputs").path("parameters")) {
                    if (p.path("valueFrom").has("supplied")) {
                        ObjectNode param = supplied.addObject().put("name", p.path("name").asText());
                        if (p.path("valueFrom").hasNonNull("default")) {
                            param.put("default", p.path("valueFrom").get("default").asText());
                        }
                    }
                }
            }
        }
        return out;
    }

    static String json(ObjectNode wf, long now) {
        RunState run = of(wf, now);
        try {
            ObjectNode out = (ObjectNode) ArgoStore.JSON.readTree(RunStateJson.of(run));
            JsonNode status = wf.path("status");
            out.put("namespace", wf.path("metadata").path("namespace").asText());
            out.put("name", wf.path("metadata").path("name").asText());
            if (status.has("progress")) {
                out.put("progress", status.get("progress").asText());
            }
            // spec.suspend (argo suspend): the page offers Resume.
            out.put("suspended", wf.path("spec").path("suspend").asBoolean(false));
            out.set("waiting", waiting(wf));
            // Each stage's task node ids by index: where the page asks for a node's details and log.
            Map<String, ObjectNode> ids = new HashMap<>();
            JsonNode running = wf.path(ArgoApi.PRIVATE).path("running");
            for (JsonNode s : out.path("stages")) {
                ids.put(s.path("name").asText(), ((ObjectNode) s).putObject("nodes"));
                if (!run.finished()) {
                    running((ObjectNode) s, running.path(s.path("name").asText()).asInt(0));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wf.path(ArgoApi.PRIVATE).path("pods").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> pod = it.next();
                String[] task = split(pod.getValue().asText());
                ObjectNode byIndex = ids.get(task[0]);
                if (byIndex != null) {
                    byIndex.put(task[1], pod.getKey());
                }
            }
            return ArgoStore.JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A running task's log file appears only when it ends, so its node is not there yet: a stage
     * whose subtasks run shows that many of its pending tasks as running (at least that many run).
     */
    private static void running(ObjectNode stage, int subtasks) {
        ObjectNode counts = (ObjectNode) stage.path("counts");
        int pending = counts.path("Pending").asInt(0);
        int shown = Math.min(subtasks - counts.path("Running").asInt(0), pending);
        if (shown <= 0) {
            return;
        }
        counts.put("Running", counts.path("Running").asInt(0) + shown);
        if (pending == shown) {
            counts.remove("Pending");
        } else {
            counts.put("Pending", pending - shown);
        }
        if (stage.path("phase").asText().equals("Pending")) {
            stage.put("phase", "Running");
        }
    }

    static RunState of(ObjectNode wf, long now) {
        JsonNode status = wf.path("status");
        JsonNode own = wf.path(ArgoApi.PRIVATE);
        NodePhase phase = phase(status.path("phase").asText("Pending"));
        long started = millis(status.path("startedAt").asText(null), millis(wf.path("metadata").path("creationTimestamp").asText(null), now));
        long finished = phase == NodePhase.RUNNING || phase == NodePhase.PENDING ? 0
                : Math.max(started, millis(status.path("finishedAt").asText(null), now));
        Path logs = own.has("logs") ? Path.of(own.get("logs").asText()) : null;
        // The stages: as kept when the run started, else (a run stored before) those its nodes name.
        Map<String, StageBuilder> stages = new LinkedHashMap<>();
        for (JsonNode s : own.path("stages")) {
            List<String> after = new ArrayList<>();
            s.path("after").forEach(a -> after.add(a.asText()));
            stages.put(s.path("name").asText(), new StageBuilder(s.path("name").asText(), s.path("tasks").asInt(1),
                    s.path("dynamic").asBoolean(false), after));
        }
        JsonNode nodes = status.path("nodes");
        JsonNode times = own.path("times");
        for (Iterator<Map.Entry<String, JsonNode>> it = own.path("pods").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> pod = it.next();
            String[] task = split(pod.getValue().asText());
            JsonNode node = nodes.path(pod.getKey());
            if (node.isMissingNode()) {
                continue;
            }
            StageBuilder stage = stages.computeIfAbsent(task[0], n -> new StageBuilder(n, 0, true, List.of()));
            int index = Integer.parseInt(task[1]);
            NodePhase p = phase(node.path("phase").asText("Running"));
            JsonNode t = times.path(pod.getValue().asText());
            long start = t.isArray() ? t.get(0).asLong() : millis(node.path("startedAt").asText(null), started);
            long end = t.isArray() && t.get(1).asLong() > 0 ? t.get(1).asLong() : millis(node.path("finishedAt").asText(null), 0);
            if (end <= 0) {
                end = p == NodePhase.RUNNING || p == NodePhase.PENDING ? now : finished > 0 ? finished : now;
            }
            String exit = node.path("outputs").path("exitCode").asText(null);
            String message = node.path("message").asText("");
            int attempts = t.isArray() && t.size() > 2 && t.get(2).asInt() > 0 ? t.get(2).asInt() : attempts(logs, stage.name, index, stage);
            stage.records.add(new TaskRecord(stage.name, index, p, attempts, start, Math.max(start, end),
                    exit == null ? null : Integer.valueOf(exit), message.isEmpty() ? null : message));
        }
        List<StageState> list = new ArrayList<>();
        for (StageBuilder s : stages.values()) {
            int tasks = Math.max(s.tasks, s.records.stream().mapToInt(r -> r.index() + 1).max().orElse(0));
            list.add(new StageState(s.name, "main", Math.max(tasks, 1), s.dynamic, s.after, null, s.records));
        }
        String message = status.path("message").asText("");
        return new RunState(wf.path("metadata").path("name").asText(), phase, message.isEmpty() ? null : message, started, finished, list);
    }

    /** Attempts a task made: the highest attempt number its log files carry (at least 1). */
    private static int attempts(Path logs, String stage, int index, StageBuilder s) {
        if (logs == null) {
            return 1;
        }
        if (s.attempts == null) {
            s.attempts = new HashMap<>();
            Path dir = logs.resolve(stage);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.forEach(f -> {
                        Matcher m = ATTEMPT.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            s.attempts.merge(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Math::max);
                        }
                    });
                } catch (IOException e) {
                    // gone (the workflow was deleted): one attempt each
                }
            }
        }
        return Math.max(1, s.attempts.getOrDefault(index, 1));
    }

    private static String[] split(String stageAndIndex) {
        int slash = stageAndIndex.lastIndexOf('/');
        return new String[] {stageAndIndex.substring(0, slash), stageAndIndex.substring(slash + 1)};
    }

    static NodePhase phase(String argo) {
        for (NodePhase p : NodePhase.values()) {
            if (p.argoName().equals(argo)) {
                return p;
            }
        }
        return NodePhase.ERROR;
    }

    private static long millis(String time, long otherwise) {
        if (time == null || time.isEmpty()) {
            return otherwise;
        }
        try {
            return Instant.parse(time).toEpochMilli();
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    private static final class StageBuilder {
        final String name;
        final int tasks;
        final boolean dynamic;
        final List<String> after;
        final List<TaskRecord> records = new ArrayList<>();
        Map<Integer, Integer> attempts;

        StageBuilder(String name, int tasks, boolean dynamic, List<String> after) {
            this.name = name;
            this.tasks = tasks;
            this.dynamic = dynamic;
            this.after = after;
        }
    }
}

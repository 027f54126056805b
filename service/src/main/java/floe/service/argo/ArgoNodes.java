package floe.service.argo;

import floe.model.Stage;
import floe.model.Workflow;
import floe.run.StageProgress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's {@code status.nodes} as Argo's controller writes them, built from the Floe workflow's
 * stages, their progress and the tasks' log files. Names follow Argo's conventions (the workflow's
 * name for the root, {@code wf[0].step} for steps, {@code wf.task} for DAG tasks, {@code
 * name(3:item)} for a loop's items), ids are Argo's ({@code wf-} and the FNV-1a hash of the name;
 * the root's id is the workflow's name), and a task's pod name is its node id.
 *
 * <p>What the stages cannot say is approximated: a task is Running once its log file exists and
 * Succeeded when its stage has ended (a stage reports counts, not which task ended), its start is
 * when it was first seen running and its end when its stage was seen done.
 */
final class ArgoNodes {
    private static final Pattern LOG = Pattern.compile("task-(\\d{5,})\\.attempt-(\\d+)\\.out");

    /** How the run ended, when it failed: the stage and task that failed, why, and the exit code. */
    record Failure(String stage, int index, String message, Integer exitCode) {}

    private final String wfName;
    private final ObjectNode spec;
    private final Workflow workflow;
    private final Path logRoot;
    /** First time each task (stage/index) was seen running, and when seen ended, in ms. */
    private final Map<String, Long> started = new HashMap<>();
    private final Map<String, Long> finished = new HashMap<>();
    /** Each task's record, as the job kept it (when it ended, with {@code floe.task.records} on): exact phase, times, attempts and exit code. */
    private final Map<String, floe.report.TaskRecord> recorded = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each task node's pod name, to its stage and task index ({@code STAGE/N}): where its logs are. */
    private final Map<String, String> pods = new java.util.concurrent.ConcurrentHashMap<>();

    ArgoNodes(String wfName, ObjectNode spec, Workflow workflow, Path logRoot) {
        this.wfName = wfName;
        this.spec = spec;
        this.workflow = workflow;
        this.logRoot = logRoot;
    }

    /** Argo's node id: the workflow's name for the root, else the name and the FNV-1a 32-bit hash of the node's name. */
    static String nodeId(String wfName, String nodeName) {
        if (nodeName.equals(wfName)) {
            return wfName;
        }
        int hash = 0x811c9dc5;
        for (byte b : nodeName.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return wfName + "-" + Integer.toUnsignedString(hash);
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Pod names (node ids) to {@code STAGE/N}. */
    ObjectNode pods() {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        new java.util.TreeMap<>(pods).forEach(out::put);
        return out;
    }

    /**
     * When each task seen so far started and ended, in ms, and its attempts ({@code STAGE/N} to
     * [start, end, attempts], end 0 while it runs, attempts 0 when not known): the run page's timeline.
     */
    ObjectNode times() {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        new java.util.TreeMap<>(started).forEach((k, start) -> {
            floe.report.TaskRecord r = recorded.get(k);
            out.putArray(k).add(start).add(finished.getOrDefault(k, 0L)).add(r == null ? 0 : r.attempts());
        });
        return out;
    }

    /** The records of the tasks that ended, which the job kept: they replace what the nodes guessed. */
    void recorded(List<floe.report.TaskRecord> records) {
        for (floe.report.TaskRecord r : records) {
            recorded.put(r.stage() + "/" + r.index(), r);
        }
    }

    /** User stages: Floe's own bookkeeping stages ({@code floe.*}) are no nodes. */
    List<Stage> stages() {
        return workflow.stages().stream().filter(s -> !s.name().startsWith("floe.")).toList();
    }

    /** Tasks done and tasks in all over the user stages: Argo's {@code progress}. */
    String progress(Map<String, StageProgress> progress) {
        int done = 0;
        int all = 0;
        for (Stage s : stages()) {
            StageProgress p = progress.get(s.name());
            done += p == null ? 0 : p.tasksDone();
            all += p == null ? s.tasks() : p.tasks();
        }
        return done + "/" + all;
    }

    /**
     * The nodes now: {@code phase} is the workflow's, {@code end} its end (0 while it runs),
     * {@code failure} what failed (or null).
     */
    ObjectNode nodes(Map<String, StageProgress> progress, String phase, long start, long end, Failure failure, long now) {
        Map<String, ObjectNode> nodes = new LinkedHashMap<>();
        String entry = spec.path("entrypoint").asText();
        JsonNode entryTemplate = template(entry);
        List<Stage> stages = stages();
        boolean single = stages.size() == 1 && !entryTemplate.has("steps") && !entryTemplate.has("dag") && stages.get(0).tasks() == 1
                && !stages.get(0).isDynamic();
        ObjectNode root = node(nodes, wfName, wfName, single ? taskType(entry) : entryTemplate.has("dag") ? "DAG" : "Steps", entry, null);
        root.put("phase", phase);
        root.put("startedAt", time(start));
        if (end > 0) {
            root.put("finishedAt", time(end));
        }
        if (failure != null && failure.message() != null) {
            root.put("message", failure.message());
        }
        if (single) {
            task(root, stages.get(0), 0, progress.get(stages.get(0).name()), phase, failure, now, end);
            root.put("phase", phase);
            return toObject(nodes);
        }
        for (Stage s : stages) {
            StageProgress p = progress.get(s.name());
            List<Integer> seen = seen(s, p);
            if (seen.isEmpty()) {
                continue;
            }
            Placed placed = place(nodes, entry, wfName, s.name().split("\\."), 0);
            boolean loop = s.tasks() > 1 || s.isDynamic() || placed.items != null;
            ObjectNode stepNode = node(nodes, placed.name, placed.display, loop ? "TaskGroup" : taskType(placed.template), placed.template, placed.parent);
            String stagePhase = stagePhase(s, p, phase, failure);
            if (!loop) {
                task(stepNode, s, 0, p, phase, failure, now, end);
                inputs(stepNode, placed.arguments, null);
                continue;
            }
            stepNode.put("phase", stagePhase);
            long first = Long.MAX_VALUE;
            long last = 0;
            for (int i : seen) {
                String item = placed.items != null && i < placed.items.size() ? itemText(placed.items.get(i)) : Integer.toString(i);
                String name = placed.name + "(" + i + ":" + item + ")";
                ObjectNode t = node(nodes, name, placed.display + "(" + i + ":" + item + ")", taskType(placed.template), placed.template, placed.name);
                task(t, s, i, p, phase, failure, now, end);
                inputs(t, placed.arguments, placed.items != null && i < placed.items.size() ? placed.items.get(i) : null);
                first = Math.min(first, started.getOrDefault(key(s, i), now));
                last = Math.max(last, finished.getOrDefault(key(s, i), 0L));
            }
            stepNode.put("startedAt", time(first == Long.MAX_VALUE ? now : first));
            if (!stagePhase.equals("Running") && last > 0) {
                stepNode.put("finishedAt", time(last));
            }
        }
        // Step groups and inner Steps/DAG nodes take their phase from their children.
        for (ObjectNode n : nodes.values()) {
            if (n != root && !n.has("phase")) {
                n.put("phase", groupPhase(nodes, n));
                String firstStart = null;
                for (JsonNode c : n.withArray("children")) {
                    ObjectNode child = nodes.get(c.asText());
                    String s = child == null ? null : child.path("startedAt").asText(null);
                    if (s != null && (firstStart == null || s.compareTo(firstStart) < 0)) {
                        firstStart = s;
                    }
                }
                n.put("startedAt", firstStart == null ? time(now) : firstStart);
            }
        }
        return toObject(nodes);
    }

    private String groupPhase(Map<String, ObjectNode> nodes, ObjectNode n) {
        boolean running = false;
        for (JsonNode c : n.withArray("children")) {
            ObjectNode child = nodes.get(c.asText());
            String p = child == null ? "Running" : child.has("phase") ? child.get("phase").asText() : groupPhase(nodes, child);
            if (p.equals("Failed") || p.equals("Error")) {
                return p;
            }
            running |= !p.equals("Succeeded") && !p.equals("Skipped");
        }
        return running ? "Running" : "Succeeded";
    }

    private static ObjectNode toObject(Map<String, ObjectNode> nodes) {
        ObjectNode out = ArgoStore.JSON.createObjectNode();
        nodes.forEach((id, n) -> {
            if (n.withArray("children").isEmpty()) {
                n.remove("children");
            }
            out.set(id, n);
        });
        return out;
    }

    private String stagePhase(Stage s, StageProgress p, String phase, Failure failure) {
        if (failure != null && s.name().equals(failure.stage())) {
            return "Failed";
        }
        if (p != null && p.done()) {
            return "Succeeded";
        }
        return phase.equals("Running") || phase.equals("Pending") ? "Running" : "Failed";
    }

    /** The tasks of {@code s} that have started: those with a log file, or all of them once the stage is done. */
    private List<Integer> seen(Stage s, StageProgress p) {
        int tasks = p == null ? s.tasks() : p.tasks();
        List<Integer> out = new ArrayList<>();
        if (p != null && p.done()) {
            for (int i = 0; i < tasks; i++) {
                out.add(i);
            }
            return out;
        }
        java.util.TreeSet<Integer> found = new java.util.TreeSet<>();
        Path dir = logRoot.resolve(s.name());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> {
                    Matcher m = LOG.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        found.add(Integer.parseInt(m.group(1)));
                    }
                });
            } catch (IOException e) {
                // not there yet
            }
        }
        String prefix = s.name() + "/";
        recorded.keySet().stream().filter(k -> k.startsWith(prefix) && k.indexOf('/', prefix.length()) < 0)
                .forEach(k -> found.add(Integer.parseInt(k.substring(prefix.length()))));
        if (found.isEmpty() && tasks == 1 && p != null && p.running() > 0) {
            // A stage of one task that runs: that task has started (a suspend node, which writes no log while it waits).
            found.add(0);
        }
        out.addAll(found);
        return out;
    }

    /** A task node's type: {@code Suspend} for a suspend template (argo get shows such a node waiting as the workflow suspended), else {@code Pod}. */
    private String taskType(String template) {
        return template(template).has("suspend") ? "Suspend" : "Pod";
    }

    private static String key(Stage s, int i) {
        return s.name() + "/" + i;
    }

    private void task(ObjectNode n, Stage s, int i, StageProgress p, String wfPhase, Failure failure, long now, long end) {
        String k = key(s, i);
        floe.report.TaskRecord record = recorded.get(k);
        if (record != null) {
            started.put(k, record.startMillis());
            finished.put(k, Math.max(record.startMillis(), record.endMillis()));
        }
        long start = started.computeIfAbsent(k, x -> now);
        String phase;
        boolean failedHere = failure != null && s.name().equals(failure.stage()) && failure.index() == i;
        if (record != null && !failedHere) {
            phase = record.phase().argoName();
            if (record.message() != null && !phase.equals("Succeeded")) {
                n.put("message", record.message());
            }
        } else if (failedHere) {
            phase = "Failed";
            if (failure.message() != null) {
                n.put("message", failure.message());
            }
        } else if (p != null && p.done()) {
            phase = "Succeeded";
        } else if (wfPhase.equals("Running") || wfPhase.equals("Pending")) {
            phase = "Running";
        } else {
            phase = "Failed";
            n.put("message", end > 0 ? "workflow shutdown before the task ended" : "");
        }
        n.put("phase", phase);
        n.put("startedAt", time(start));
        if (!phase.equals("Running")) {
            long fin = finished.computeIfAbsent(k, x -> end > 0 ? end : now);
            n.put("finishedAt", time(Math.max(fin, start)));
        }
        pods.put(n.get("id").asText(), s.name() + "/" + i);
        ObjectNode outputs = ArgoStore.JSON.createObjectNode();
        if (phase.equals("Succeeded")) {
            outputs.put("exitCode", "0");
            String out = lastLog(s, i, ".out");
            if (out != null) {
                outputs.put("result", out);
            }
        } else if (record != null && record.exitCode() != null) {
            outputs.put("exitCode", Integer.toString(record.exitCode()));
        } else if (phase.equals("Failed") && failure != null && failure.exitCode() != null && s.name().equals(failure.stage())) {
            outputs.put("exitCode", Integer.toString(failure.exitCode()));
        }
        if (!outputs.isEmpty()) {
            n.set("outputs", outputs);
        }
    }

    /**
     * A task's {@code inputs.parameters}: the arguments its step or task passes, with {@code
     * {{item}}} (and {@code {{item.KEY}}}) and {@code {{workflow.parameters.NAME}}} put in; an
     * argument that still names something only the run knows is left out.
     */
    private void inputs(ObjectNode n, JsonNode arguments, JsonNode item) {
        if (arguments == null || !arguments.isArray() || arguments.isEmpty()) {
            return;
        }
        ArrayNode params = ArgoStore.JSON.createArrayNode();
        for (JsonNode a : arguments) {
            if (!a.has("value")) {
                continue;
            }
            String v = a.get("value").asText();
            if (item != null) {
                v = v.replace("{{item}}", itemText(item));
                if (item.isObject()) {
                    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        v = v.replace("{{item." + e.getKey() + "}}", itemText(e.getValue()));
                    }
                }
            }
            v = withWorkflowParameters(v);
            if (!v.contains("{{")) {
                params.addObject().put("name", a.path("name").asText()).put("value", v);
            }
        }
        if (!params.isEmpty()) {
            n.putObject("inputs").set("parameters", params);
        }
    }

    /** The last attempt's stdout of a task (at most 256 KiB, trailing newlines trimmed as Argo does), or null. */
    private String lastLog(Stage s, int i, String suffix) {
        for (int attempt = 20; attempt >= 0; attempt--) {
            Path f = logRoot.resolve(s.name()).resolve(String.format("task-%05d.attempt-%d%s", i, attempt, suffix));
            if (Files.isRegularFile(f)) {
                try {
                    byte[] b = Files.readAllBytes(f);
                    String text = new String(b, 0, Math.min(b.length, 256 * 1024), StandardCharsets.UTF_8);
                    return text.replaceAll("\\s+$", "");
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Where a stage's node sits: its Argo name, display name, template, parent node, and the loop's items when literal. */
    private record Placed(String name, String display, String template, String parent, List<JsonNode> items, JsonNode arguments) {}

    private Placed place(Map<String, ObjectNode> nodes, String templateName, String prefix, String[] parts, int at) {
        JsonNode t = template(templateName);
        String part = parts[at];
        String name = null;
        String parent = prefix;
        JsonNode call = null;
        if (t.has("steps")) {
            int g = 0;
            for (JsonNode group : t.get("steps")) {
                for (JsonNode step : group) {
                    if (step.path("name").asText().equals(part)) {
                        String groupName = prefix + "[" + g + "]";
                        node(nodes, groupName, "[" + g + "]", "StepGroup", templateName, prefix);
                        parent = groupName;
                        name = groupName + "." + part;
                        call = step;
                    }
                }
                g++;
            }
        } else if (t.has("dag")) {
            for (JsonNode task : t.path("dag").path("tasks")) {
                if (task.path("name").asText().equals(part)) {
                    name = prefix + "." + part;
                    call = task;
                }
            }
        }
        if (call == null) {
            // Not found in the spec (a shape Floe expands differently): named as a DAG task would be.
            String rest = String.join(".", java.util.Arrays.copyOfRange(parts, at, parts.length));
            return new Placed(prefix + "." + rest, rest, templateName, prefix, null, null);
        }
        String callee = call.path("template").asText(call.path("templateRef").path("template").asText(""));
        if (at < parts.length - 1) {
            JsonNode inner = template(callee);
            node(nodes, name, part, inner.has("dag") ? "DAG" : "Steps", callee, parent);
            return place(nodes, callee, name, parts, at + 1);
        }
        List<JsonNode> items = null;
        if (call.path("withItems").isArray()) {
            items = new ArrayList<>();
            call.get("withItems").forEach(items::add);
        } else if (call.has("withSequence")) {
            items = sequence(call.get("withSequence"));
        }
        return new Placed(name, part, callee, parent, items, call.path("arguments").path("parameters"));
    }

    /**
     * A {@code withSequence}'s items as Argo makes them: {@code start} (0) for {@code count}
     * numbers, or {@code start} to {@code end} (down when end is below start), each through
     * {@code format} when given; its fields may name workflow parameters. Null when a field names
     * something only the run knows.
     */
    private List<JsonNode> sequence(JsonNode seq) {
        Integer start = seq.has("start") ? number(seq.get("start")) : Integer.valueOf(0);
        Integer count = seq.has("count") ? number(seq.get("count")) : null;
        Integer end = seq.has("end") ? number(seq.get("end")) : null;
        if (start == null || (count == null && end == null)) {
            return null;
        }
        String format = seq.has("format") ? withWorkflowParameters(seq.get("format").asText()) : null;
        List<JsonNode> items = new ArrayList<>();
        int n = count != null ? count : Math.abs(end - start) + 1;
        int step = count != null || end >= start ? 1 : -1;
        for (int i = 0; i < n && i < 100_000; i++) {
            int v = start + i * step;
            String text = Integer.toString(v);
            if (format != null) {
                try {
                    text = String.format(format, v);
                } catch (java.util.IllegalFormatException e) {
                    text = format; // a format Java cannot apply: the node shows it as Argo's would not; keep the run going
                }
            }
            items.add(ArgoStore.JSON.getNodeFactory().textNode(text));
        }
        return items;
    }

    private Integer number(JsonNode field) {
        try {
            return Integer.valueOf(withWorkflowParameters(field.asText()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String withWorkflowParameters(String v) {
        for (JsonNode wp : spec.path("arguments").path("parameters")) {
            if (wp.has("value")) {
                v = v.replace("{{workflow.parameters." + wp.path("name").asText() + "}}", wp.get("value").asText());
            }
        }
        return v;
    }

    private static String itemText(JsonNode item) {
        return item.isValueNode() ? item.asText() : item.toString();
    }

    private JsonNode template(String name) {
        for (JsonNode t : spec.path("templates")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        return ArgoStore.JSON.createObjectNode();
    }

    /** The node named {@code name}, made (and added to its parent's children) on first use. */
    private ObjectNode node(Map<String, ObjectNode> nodes, String name, String display, String type, String template, String parent) {
        String id = nodeId(wfName, name);
        ObjectNode n = nodes.get(id);
        if (n != null) {
            return n;
        }
        n = ArgoStore.JSON.createObjectNode();
        n.put("id", id);
        n.put("name", name);
        n.put("displayName", display);
        n.put("type", type);
        if (template != null && !template.isEmpty()) {
            n.put("templateName", template);
        }
        n.put("templateScope", "local/" + wfName);
        n.putArray("children");
        if (parent != null) {
            String parentId = nodeId(wfName, parent);
            ObjectNode p = nodes.get(parentId);
            if (p != null) {
                ArrayNode children = p.withArray("children");
                children.add(id);
                n.put("boundaryID", boundary(nodes, p));
            }
        }
        nodes.put(id, n);
        return n;
    }

    /** The node's boundary: the nearest Steps or DAG node above it (a step group is not one). */
    private static String boundary(Map<String, ObjectNode> nodes, ObjectNode parent) {
        String type = parent.path("type").asText();
        if (type.equals("Steps") || type.equals("DAG")) {
            return parent.get("id").asText();
        }
        return parent.path("boundaryID").asText(parent.get("id").asText());
    }
}

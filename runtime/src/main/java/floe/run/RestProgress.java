package floe.run;

import floe.compile.Plan;
import floe.compile.StagePlan;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each stage's progress from a job's REST view ({@code GET /jobs/:id}): a stage is the vertex
 * whose name holds the stage's operator (Flink names a chained vertex {@code Source: a/tasks -> a}),
 * and its tasks done are worked out from its finished subtasks.
 */
final class RestProgress {
    private RestProgress() {}

    static List<StageProgress> of(Plan plan, JsonNode job) {
        Map<String, JsonNode> byStage = new HashMap<>();
        for (JsonNode vertex : job.path("vertices")) {
            for (String part : vertex.path("name").asText().split(" -> ")) {
                String operator = part.startsWith("Source: ") ? part.substring("Source: ".length()) : part;
                if (plan.stages().stream().anyMatch(s -> s.stage().name().equals(operator))) {
                    byStage.put(operator, vertex);
                }
            }
        }
        List<StageProgress> stages = new ArrayList<>();
        for (StagePlan s : plan.stages()) {
            String name = s.stage().name();
            int tasks = s.stage().isDynamic() ? s.parallelism() : s.stage().tasks();
            JsonNode vertex = byStage.get(name);
            if (vertex == null) {
                stages.add(new StageProgress(name, 0, tasks, 0, false));
                continue;
            }
            JsonNode counts = vertex.path("tasks");
            int subtasks = Math.max(1, vertex.path("parallelism").asInt(1));
            int finished = counts.path("FINISHED").asInt();
            int running = counts.path("RUNNING").asInt() + counts.path("INITIALIZING").asInt();
            boolean failed = counts.path("FAILED").asInt() > 0 && "FAILED".equals(vertex.path("status").asText());
            // Subtasks own contiguous blocks of nearly equal size; all finished means all tasks done.
            int done = finished >= subtasks ? tasks : (int) ((long) finished * tasks / subtasks);
            stages.add(new StageProgress(name, done, tasks, running, failed));
        }
        return stages;
    }
}

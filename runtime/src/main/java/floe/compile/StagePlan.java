package floe.compile;

import floe.model.Dependency;
import floe.model.Stage;

import java.util.List;

/**
 * How one stage was compiled: its operator's parallelism, how many of its tasks each subtask runs
 * at once ({@code tasksPerSubtask}), the most of its tasks that run at once in all
 * ({@code concurrency}), its uid, and one edge per dependency.
 */
public record StagePlan(Stage stage, int parallelism, int tasksPerSubtask, int concurrency, String uid, List<Edge> edges) {

    public StagePlan {
        edges = List.copyOf(edges);
    }

    public TaskBlocks blocks() {
        return new TaskBlocks(stage.tasks(), parallelism);
    }

    /** One dependency as compiled. */
    public record Edge(Dependency dependency, EdgeKind kind) {}
}

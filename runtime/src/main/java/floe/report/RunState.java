package floe.report;

import java.util.List;
import java.util.Objects;

/**
 * A run as its page shows it: the workflow, its phase (Running until it ended), why it failed,
 * when it started and ended (epoch millis; 0 while it runs) and its stages, the exit handler's
 * after the workflow's. Made by a {@link RunRecorder} from what the runner reports; drawn by
 * {@link RunPage}.
 */
public record RunState(String workflow, NodePhase phase, String message, long startedAt, long finishedAt,
        List<StageState> stages) {

    public RunState {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(phase, "phase");
        stages = List.copyOf(stages);
    }

    public boolean finished() {
        return phase != NodePhase.RUNNING && phase != NodePhase.PENDING;
    }

    /** What a task with no record counts as: pending while the run goes on, omitted once it ended. */
    public NodePhase unrecorded() {
        return finished() ? NodePhase.OMITTED : NodePhase.PENDING;
    }

    /** Tasks ended of all, as Argo's {@code progress} ("3/97"). */
    public String progress() {
        long done = 0;
        long all = 0;
        for (StageState s : stages) {
            done += s.records().size();
            all += s.total(unrecorded());
        }
        return done + "/" + all;
    }

    public StageState stage(String part, String name) {
        return stages.stream().filter(s -> s.part().equals(part) && s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + part + "/" + name));
    }
}

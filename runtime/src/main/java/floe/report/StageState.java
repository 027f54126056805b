package floe.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stage of a run as its page draws it: its name, the part of the run it belongs to
 * ({@code main} or {@code onExit}), its tasks (at most, for a stage sized at run time), the stages
 * it runs after, where its command tasks' logs are (null for Java tasks), and the record of each
 * task that ended, by index.
 */
public record StageState(String name, String part, int tasks, boolean dynamic, List<String> after, String logDir,
        List<TaskRecord> records) {

    public StageState {
        Objects.requireNonNull(name, "name");
        after = List.copyOf(after);
        List<TaskRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(TaskRecord::index));
        records = List.copyOf(sorted);
    }

    /**
     * Tasks in each phase; tasks with no record count as {@code unrecorded} ({@code PENDING} while
     * the run goes on, {@code OMITTED} once it ended). A stage sized at run time that ended counts
     * the tasks it had.
     */
    public Map<NodePhase, Integer> counts(NodePhase unrecorded) {
        Map<NodePhase, Integer> counts = new EnumMap<>(NodePhase.class);
        for (TaskRecord r : records) {
            counts.merge(r.phase(), 1, Integer::sum);
        }
        int missing = total(unrecorded) - records.size();
        if (missing > 0) {
            counts.merge(unrecorded, missing, Integer::sum);
        }
        return counts;
    }

    /** The tasks the page shows: a finished stage sized at run time has the tasks it recorded. */
    public int total(NodePhase unrecorded) {
        return dynamic && unrecorded == NodePhase.OMITTED && !records.isEmpty() ? records.size() : tasks;
    }

    /** The stage's phase as Argo would give a group node: the worst of its tasks'. */
    public NodePhase phase(NodePhase unrecorded) {
        Map<NodePhase, Integer> counts = counts(unrecorded);
        for (NodePhase p : new NodePhase[] {NodePhase.ERROR, NodePhase.FAILED, NodePhase.RUNNING}) {
            if (counts.containsKey(p)) {
                return p;
            }
        }
        if (counts.containsKey(NodePhase.PENDING)) {
            return records.isEmpty() ? NodePhase.PENDING : NodePhase.RUNNING;
        }
        if (counts.containsKey(NodePhase.OMITTED)) {
            return records.isEmpty() ? NodePhase.OMITTED : NodePhase.FAILED;
        }
        if (counts.containsKey(NodePhase.SUCCEEDED)) {
            return NodePhase.SUCCEEDED;
        }
        return counts.isEmpty() ? NodePhase.PENDING : NodePhase.SKIPPED;
    }
}

package floe.compile;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands subtask {@code s} its own split and nothing else; a split given back after a failure
 * goes to the same subtask again, so a re-run task runs where its consumers expect it.
 */
final class TaskRangeEnumerator implements SplitEnumerator<TaskRangeSplit, Collection<TaskRangeSplit>> {
    private final SplitEnumeratorContext<TaskRangeSplit> context;
    private final Map<Integer, TaskRangeSplit> pending = new TreeMap<>();

    TaskRangeEnumerator(SplitEnumeratorContext<TaskRangeSplit> context, Collection<TaskRangeSplit> splits) {
        this.context = context;
        for (TaskRangeSplit split : splits) {
            pending.put(split.subtask, split);
        }
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
        TaskRangeSplit split = pending.remove(subtask);
        if (split != null) {
            context.assignSplit(split, subtask);
        } else {
            context.signalNoMoreSplits(subtask);
        }
    }

    @Override
    public void addSplitsBack(List<TaskRangeSplit> splits, int subtask) {
        for (TaskRangeSplit split : splits) {
            pending.put(split.subtask, split);
        }
    }

    @Override
    public void addReader(int subtask) {}

    @Override
    public Collection<TaskRangeSplit> snapshotState(long checkpointId) {
        return new ArrayList<>(pending.values());
    }

    @Override
    public void close() {}
}

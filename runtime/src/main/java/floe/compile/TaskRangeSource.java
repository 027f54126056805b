package floe.compile;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SupportsBatchSnapshot;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tasks of a stage without dependencies, as records. Subtask {@code s} emits exactly the
 * tasks {@link TaskBlocks} gives it, so pointwise consumers find their inputs where they expect
 * them. The reader knows its block from its own subtask index: there are no splits to hand out,
 * so a subtask starts without a round trip to the JobManager, and a re-run subtask (failover)
 * emits the same tasks again.
 */
final class TaskRangeSource implements Source<Integer, TaskRangeSource.NoSplit, Void> {
    private static final long serialVersionUID = 1L;

    private final TaskBlocks blocks;

    TaskRangeSource(TaskBlocks blocks) {
        this.blocks = blocks;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<Integer, NoSplit> createReader(SourceReaderContext context) {
        int subtask = context.getIndexOfSubtask();
        return new Reader(blocks.first(subtask), blocks.first(subtask + 1));
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new Enumerator(context);
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new Enumerator(context);
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new Nothing<>();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new Nothing<>();
    }

    /** The split type of a source that has none. */
    static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "none";
        }
    }

    private static final class Reader implements SourceReader<Integer, NoSplit> {
        private int next;
        private final int end;

        Reader(int first, int end) {
            this.next = first;
            this.end = end;
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<Integer> output) {
            if (next < end) {
                output.collect(next++);
            }
            return next < end ? InputStatus.MORE_AVAILABLE : InputStatus.END_OF_INPUT;
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addSplits(List<NoSplit> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {}
    }

    /**
     * Holds nothing: with Flink's batch job recovery, a JobManager that takes over need not run
     * the source's finished subtasks again ({@link SupportsBatchSnapshot}).
     */
    private static final class Enumerator implements SplitEnumerator<NoSplit, Void>, SupportsBatchSnapshot {
        private final SplitEnumeratorContext<NoSplit> context;

        Enumerator(SplitEnumeratorContext<NoSplit> context) {
            this.context = context;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtask) {}

        @Override
        public void addReader(int subtask) {}

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {}
    }

    private static final class Nothing<T> implements SimpleVersionedSerializer<T> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(T value) {
            return new byte[0];
        }

        @Override
        public T deserialize(int version, byte[] serialized) {
            return null;
        }
    }
}

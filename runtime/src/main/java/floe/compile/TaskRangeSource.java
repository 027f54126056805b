package floe.compile;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceReader;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The tasks of a stage without dependencies, as records: subtask {@code s} reads exactly the
 * tasks {@link TaskBlocks} gives it, so a pointwise consumer finds its inputs where it expects them.
 */
final class TaskRangeSource implements Source<Integer, TaskRangeSplit, Collection<TaskRangeSplit>> {
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
    public SourceReader<Integer, TaskRangeSplit> createReader(SourceReaderContext context) {
        return new IteratorSourceReader<>(context);
    }

    @Override
    public SplitEnumerator<TaskRangeSplit, Collection<TaskRangeSplit>> createEnumerator(
            SplitEnumeratorContext<TaskRangeSplit> context) {
        List<TaskRangeSplit> splits = new ArrayList<>();
        for (int s = 0; s < blocks.parallelism(); s++) {
            splits.add(new TaskRangeSplit(s, blocks.first(s), blocks.first(s + 1)));
        }
        return new TaskRangeEnumerator(context, splits);
    }

    @Override
    public SplitEnumerator<TaskRangeSplit, Collection<TaskRangeSplit>> restoreEnumerator(
            SplitEnumeratorContext<TaskRangeSplit> context, Collection<TaskRangeSplit> checkpoint) {
        return new TaskRangeEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<TaskRangeSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<TaskRangeSplit>> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    static final class SplitSerializer implements SimpleVersionedSerializer<TaskRangeSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(TaskRangeSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(12);
            out.writeInt(split.subtask);
            out.writeInt(split.next);
            out.writeInt(split.end);
            return out.getCopyOfBuffer();
        }

        @Override
        public TaskRangeSplit deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            return new TaskRangeSplit(in.readInt(), in.readInt(), in.readInt());
        }
    }

    static final class PendingSerializer implements SimpleVersionedSerializer<Collection<TaskRangeSplit>> {
        private final SplitSerializer splits = new SplitSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<TaskRangeSplit> pending) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(4 + 12 * pending.size());
            out.writeInt(pending.size());
            for (TaskRangeSplit split : pending) {
                out.write(splits.serialize(split));
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Collection<TaskRangeSplit> deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = in.readInt();
            List<TaskRangeSplit> pending = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                pending.add(new TaskRangeSplit(in.readInt(), in.readInt(), in.readInt()));
            }
            return pending;
        }
    }
}

package floe.compile;

import floe.model.TaskCompletion;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes task completions compactly, without Kryo; completions are immutable, so copies are free. */
final class CompletionSerializer extends TypeSerializerSingleton<TaskCompletion> {
    private static final long serialVersionUID = 1L;
    static final CompletionSerializer INSTANCE = new CompletionSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TaskCompletion createInstance() {
        return null;
    }

    @Override
    public TaskCompletion copy(TaskCompletion from) {
        return from;
    }

    @Override
    public TaskCompletion copy(TaskCompletion from, TaskCompletion reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TaskCompletion c, DataOutputView out) throws IOException {
        out.writeUTF(c.stage());
        out.writeInt(c.index());
        out.writeInt(c.attempts());
        out.writeLong(c.startMillis());
        out.writeLong(c.endMillis());
        out.writeInt(c.outputs().size());
        for (Map.Entry<String, String> e : c.outputs().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeInt(c.files().size());
        for (String f : c.files()) {
            writeString(out, f);
        }
    }

    @Override
    public TaskCompletion deserialize(DataInputView in) throws IOException {
        String stage = in.readUTF();
        int index = in.readInt();
        int attempts = in.readInt();
        long start = in.readLong();
        long end = in.readLong();
        int outputCount = in.readInt();
        TreeMap<String, String> outputs = new TreeMap<>();
        for (int i = 0; i < outputCount; i++) {
            outputs.put(readString(in), readString(in));
        }
        int fileCount = in.readInt();
        List<String> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(readString(in));
        }
        return new TaskCompletion(stage, index, attempts, start, end, outputs, files);
    }

    @Override
    public TaskCompletion deserialize(TaskCompletion reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<TaskCompletion> snapshotConfiguration() {
        return new Snapshot();
    }

    // Output parameters (an Argo script's stdout) may exceed writeUTF's 64 KiB.
    private static void writeString(DataOutputView out, String s) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Snapshot for Flink's serializer bookkeeping. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TaskCompletion> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

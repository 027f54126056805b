package floe.compile;

import floe.report.TaskRecord;

import org.apache.flink.api.common.accumulators.Accumulator;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;

/**
 * The records of a stage's tasks that ended in one subtask ({@code floe.task-records.STAGE}),
 * merged across subtasks when the job ends, for the run's report. Tasks of a subtask end on
 * threads of their own while Flink snapshots accumulators on its: every access is synchronized.
 */
public final class TaskRecordAccumulator implements Accumulator<TaskRecord, ArrayList<TaskRecord>> {
    private static final long serialVersionUID = 1L;

    /** The accumulator of stage {@code stage} is named this plus the stage. */
    public static final String PREFIX = "floe.task-records.";

    private ArrayList<TaskRecord> records = new ArrayList<>();

    @Override
    public synchronized void add(TaskRecord value) {
        records.add(value);
    }

    @Override
    public synchronized ArrayList<TaskRecord> getLocalValue() {
        return new ArrayList<>(records);
    }

    @Override
    public synchronized void resetLocal() {
        records = new ArrayList<>();
    }

    @Override
    public synchronized void merge(Accumulator<TaskRecord, ArrayList<TaskRecord>> other) {
        records.addAll(other.getLocalValue());
    }

    @Override
    public synchronized TaskRecordAccumulator clone() {
        TaskRecordAccumulator copy = new TaskRecordAccumulator();
        copy.records = new ArrayList<>(records);
        return copy;
    }

    private synchronized void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
    }

    @Override
    public synchronized String toString() {
        return records.size() + " task records";
    }
}

package floe.compile;

import org.apache.flink.api.connector.source.lib.util.IteratorSourceSplit;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/** The tasks {@code next .. end-1} of a root stage that subtask {@code subtask} must run. */
final class TaskRangeSplit implements IteratorSourceSplit<Integer, TaskRangeSplit.Range> {
    final int subtask;
    final int next;
    final int end;

    TaskRangeSplit(int subtask, int next, int end) {
        this.subtask = subtask;
        this.next = next;
        this.end = end;
    }

    @Override
    public String splitId() {
        return Integer.toString(subtask);
    }

    @Override
    public Range getIterator() {
        return new Range(next, end);
    }

    @Override
    public IteratorSourceSplit<Integer, Range> getUpdatedSplitForIterator(Range iterator) {
        return new TaskRangeSplit(subtask, iterator.next, end);
    }

    @Override
    public String toString() {
        return "tasks " + next + ".." + (end - 1) + " of subtask " + subtask;
    }

    /** Iterates task indices without boxing more than the emitted record needs. */
    static final class Range implements PrimitiveIterator.OfInt {
        private int next;
        private final int end;

        Range(int next, int end) {
            this.next = next;
            this.end = end;
        }

        @Override
        public boolean hasNext() {
            return next < end;
        }

        @Override
        public int nextInt() {
            if (next >= end) {
                throw new NoSuchElementException();
            }
            return next++;
        }
    }
}

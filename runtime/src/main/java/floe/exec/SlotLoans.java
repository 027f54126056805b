package floe.exec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slots of this JVM's TaskManager that no stage subtask of a Floe job holds, lent to the
 * subtasks that still have tasks to run: a subtask runs its own tasks one at a time on its slot,
 * and one more at a time for every idle slot it borrows. On 2 cores the two subtasks of a level
 * rarely end together (one is held up by the JIT or the collector); without loans the other
 * core waits for the last one's block before the next level can start (0.65 s at the reference
 * case's M, 2.7 s at L, docs/benchmarks.md).
 *
 * <p>Only where the slots are known (the embedded Flink, one TaskManager in the JVM): every stage
 * subtask of a job there {@link #occupy occupies} a place for as long as it is open, whatever its
 * tasks, and a loan is one more place while fewer than {@code slots} are taken. Nothing waits for
 * a place: a subtask Flink deploys into a slot whose loan is still out takes its place at once,
 * and the JVM runs one task more than it has slots until the borrowed task ends. Places of other
 * Flinks in the same JVM (tests) count too, which only means fewer loans.
 *
 * <pre>{@code
 * SlotLoans loans = SlotLoans.of(2);
 * loans.occupy();                       // the subtask opens
 * if (loans.borrow()) { run two tasks at once, then loans.giveBack(); }
 * loans.vacate();                       // the subtask closes
 * }</pre>
 */
public final class SlotLoans {
    private static final AtomicInteger TAKEN = new AtomicInteger();

    private final int slots;

    private SlotLoans(int slots) {
        this.slots = slots;
    }

    /** The loans of a TaskManager with {@code slots} slots. */
    public static SlotLoans of(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a TaskManager has at least one slot, got " + slots);
        }
        return new SlotLoans(slots);
    }

    /** A subtask opened on a slot of its own. */
    public void occupy() {
        TAKEN.incrementAndGet();
    }

    /** A subtask that {@link #occupy occupied} a place closed. */
    public void vacate() {
        TAKEN.decrementAndGet();
    }

    /** One more place, if a slot is idle; {@link #giveBack} it when its task ends. */
    public boolean borrow() {
        for (int taken = TAKEN.get(); taken < slots; taken = TAKEN.get()) {
            if (TAKEN.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
        return false;
    }

    public void giveBack() {
        TAKEN.decrementAndGet();
    }

    /** Places taken in this JVM now (for tests). */
    static int taken() {
        return TAKEN.get();
    }
}

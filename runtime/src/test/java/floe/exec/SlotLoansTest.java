package floe.exec;

import floe.model.TaskCompletion;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A block of Java tasks runs on its own slot and, while slots are idle, on borrowed ones too. */
class SlotLoansTest {
    /** Places other code of this JVM held when the test began: the tests' slots come on top. */
    private int before;

    @BeforeEach
    void noteTheJvmsPlaces() {
        before = SlotLoans.taken();
    }

    @AfterEach
    void everyPlaceIsGivenBack() {
        assertThat(SlotLoans.taken()).isEqualTo(before);
    }

    private SlotLoans twoSlots() {
        return SlotLoans.of(before + 2);
    }

    private static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        TaskCompletion hold(int index, long millis) throws InterruptedException {
            threads.add(Thread.currentThread());
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } finally {
                now.decrementAndGet();
            }
            return new TaskCompletion("s", index, 1, 0, 0, Map.of(), List.of());
        }
    }

    @Test
    void withEverySlotTakenTasksRunOneAtATimeOnTheCallersThread() throws Exception {
        SlotLoans loans = twoSlots();
        loans.occupy(); // this subtask
        loans.occupy(); // the other slot's
        Gauge gauge = new Gauge();
        List<Integer> done = new ArrayList<>();
        try (ConcurrentTasks block = new ConcurrentTasks("s", 2, null, loans, c -> done.add(c.index()))) {
            for (int i = 0; i < 6; i++) {
                int index = i;
                block.start(() -> gauge.hold(index, 20));
            }
            block.finish();
        } finally {
            loans.vacate();
            loans.vacate();
        }

        assertThat(gauge.most).hasValue(1);
        assertThat(gauge.threads).containsOnly(Thread.currentThread());
        assertThat(done).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void anIdleSlotIsBorrowedAndItsTaskHandedOnOnTheCallersThread() throws Exception {
        SlotLoans loans = twoSlots();
        loans.occupy(); // this subtask; the other slot's subtask has ended
        Gauge gauge = new Gauge();
        Thread caller = Thread.currentThread();
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        List<Thread> handedOnBy = Collections.synchronizedList(new ArrayList<>());
        try (ConcurrentTasks block = new ConcurrentTasks("s", 2, null, loans, c -> {
            done.add(c.index());
            handedOnBy.add(Thread.currentThread());
        })) {
            for (int i = 0; i < 8; i++) {
                int index = i;
                block.start(() -> gauge.hold(index, 100));
            }
            block.finish();
        } finally {
            loans.vacate();
        }

        assertThat(gauge.most).hasValue(2);
        assertThat(gauge.threads).contains(caller).hasSizeGreaterThan(1);
        assertThat(done).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(handedOnBy).containsOnly(caller);
    }

    @Test
    void aSubtaskOpeningWhileALoanIsOutTakesItsPlaceAtOnceAndNoMoreIsLent() throws Exception {
        SlotLoans loans = twoSlots();
        loans.occupy();
        assertThat(loans.borrow()).isTrue();
        loans.occupy(); // Flink deployed a subtask into the slot lent: it does not wait

        assertThat(SlotLoans.taken()).isEqualTo(before + 3);
        assertThat(loans.borrow()).isFalse();
        loans.giveBack();
        assertThat(loans.borrow()).isFalse(); // both slots have their own subtask again
        loans.vacate();
        assertThat(loans.borrow()).isTrue();
        loans.giveBack();
        loans.vacate();
    }

    @Test
    void aFailureOnTheOwnSlotStopsTheBorrowedTaskAndGivesItsSlotBack() throws Exception {
        SlotLoans loans = twoSlots();
        loans.occupy();
        CountDownLatch borrowedStarted = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        try (ConcurrentTasks block = new ConcurrentTasks("s", 2, null, loans, c -> { })) {
            block.start(() -> {
                borrowedStarted.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
                return new TaskCompletion("s", 0, 1, 0, 0, Map.of(), List.of());
            });
            assertThat(borrowedStarted.await(10, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> block.start(() -> {
                throw new IllegalStateException("task 1 failed");
            })).hasMessage("task 1 failed");
        } finally {
            loans.vacate();
        }

        assertThat(interrupted).hasValue(1);
    }
}

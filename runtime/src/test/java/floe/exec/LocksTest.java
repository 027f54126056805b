package floe.exec;

import floe.model.Lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argo's mutexes and semaphores as locks of this machine: how many hold one at once. */
class LocksTest {
    @TempDir
    Path dir;

    private int mostAtOnce(Lock lock, int holders) throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(holders);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < holders; i++) {
                all.add(pool.submit(() -> {
                    start.await();
                    try (Locks.Held held = Locks.take(List.of(lock), l -> { })) {
                        most.accumulateAndGet(now.incrementAndGet(), Math::max);
                        Thread.sleep(150);
                        now.decrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return most.get();
    }

    @Test
    void aMutexHasOneHolderAtATime() throws Exception {
        assertThat(mostAtOnce(Lock.mutex("default/Mutex/welcome", dir.toString()), 4)).isEqualTo(1);
    }

    @Test
    void aSemaphoreHasAsManyHoldersAsItsLimit() throws Exception {
        assertThat(mostAtOnce(new Lock("default/ConfigMap/my-config/template", 2, dir.toString()), 5)).isEqualTo(2);
    }

    @Test
    void aWaitEndsWhenTheWaiterIsInterruptedAndWhatItHeldIsLetGo() throws Exception {
        Lock first = Lock.mutex("a", dir.toString());
        Lock second = Lock.mutex("b", dir.toString());
        try (Locks.Held held = Locks.take(List.of(second), l -> { })) {
            Thread waiter = Thread.currentThread();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread interrupter = new Thread(() -> {
                try {
                    waiting.await();
                    waiter.interrupt();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            interrupter.start();
            assertThatThrownBy(() -> Locks.take(List.of(first, second), l -> waiting.countDown()))
                    .isInstanceOf(InterruptedIOException.class).hasMessageContaining("lock 'b'");
            interrupter.join();
        }
        assertThat(Thread.interrupted()).isTrue();
        try (Locks.Held again = Locks.take(List.of(first), l -> {
            throw new AssertionError("'a' was let go when the wait for 'b' ended");
        })) {
            assertThat(again).isNotNull();
        }
    }
}

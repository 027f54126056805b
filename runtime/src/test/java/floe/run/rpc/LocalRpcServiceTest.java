package floe.run.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcTimeout;
import org.apache.flink.runtime.rpc.exceptions.EndpointNotStartedException;
import org.apache.flink.runtime.rpc.exceptions.FencingTokenException;
import org.apache.flink.runtime.rpc.exceptions.HandshakeException;
import org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

class LocalRpcServiceTest {
    interface CounterGateway extends RpcGateway {
        CompletableFuture<Integer> add(int n);

        void addLater(int n);

        CompletableFuture<Void> hang(@RpcTimeout Duration timeout);

        CompletableFuture<Integer> fail(String message);
    }

    interface OtherGateway extends RpcGateway {
        CompletableFuture<String> name();
    }

    interface LeaderGateway extends FencedRpcGateway<UUID> {
        CompletableFuture<String> hello();
    }

    /** Counts on its main thread; notes whether two calls ever ran at once. */
    static class Counter extends RpcEndpoint implements CounterGateway {
        final AtomicInteger inside = new AtomicInteger();
        final List<Integer> seen = new CopyOnWriteArrayList<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile boolean overlapped;
        int total; // main thread only

        Counter(RpcService service) {
            super(service);
        }

        @Override
        public CompletableFuture<Integer> add(int n) {
            validateRunsInMainThread();
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            total += n;
            seen.add(n);
            inside.decrementAndGet();
            return CompletableFuture.completedFuture(total);
        }

        @Override
        public void addLater(int n) {
            add(n);
        }

        @Override
        public CompletableFuture<Void> hang(Duration timeout) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Integer> fail(String message) {
            throw new IllegalStateException(message);
        }

        @Override
        protected CompletableFuture<Void> onStop() {
            stopped.countDown();
            return CompletableFuture.completedFuture(null);
        }

        void later(Runnable r, long millis) {
            scheduleRunAsync(r, millis, TimeUnit.MILLISECONDS);
        }
    }

    static class Leader extends FencedRpcEndpoint<UUID> implements LeaderGateway {
        Leader(RpcService service, UUID token) {
            super(service, token);
        }

        @Override
        public CompletableFuture<String> hello() {
            return CompletableFuture.completedFuture("hello from " + getFencingToken());
        }
    }

    private RpcService service;

    @BeforeEach
    void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(FloeOptions.EMBEDDED_RPC, FloeOptions.EmbeddedRpc.LOCAL);
        RpcSystem system = RpcSystem.load(conf);
        assertThat(system).isInstanceOf(LocalRpcSystem.class);
        service = system.localServiceBuilder(conf).createAndStart();
    }

    @AfterEach
    void stop() throws Exception {
        service.closeAsync().get(10, TimeUnit.SECONDS);
    }

    @Test
    void callsFromManyThreadsRunOneAtATimeOnTheEndpointsMainThreadAndAnswer() throws Exception {
        Counter counter = new Counter(service);
        counter.start();
        CounterGateway gateway = service.connect(counter.getAddress(), CounterGateway.class).get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Integer>> answers = new CopyOnWriteArrayList<>();
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    answers.add(gateway.add(1));
                }
            });
            callers[t].start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        assertThat(gateway.add(0).get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(counter.overlapped).isFalse();
    }

    @Test
    void messagesOfOneCallerArriveInTheOrderSentAndDelayedOnesAfterTheirDelay() throws Exception {
        Counter counter = new Counter(service);
        counter.start();
        CounterGateway self = counter.getSelfGateway(CounterGateway.class);
        CountDownLatch ran = new CountDownLatch(1);
        long sent = System.nanoTime();
        counter.later(() -> {
            counter.validateRunsInMainThread();
            counter.seen.add(-1);
            ran.countDown();
        }, 200);
        for (int i = 1; i <= 100; i++) {
            self.addLater(i);
        }
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - sent).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(counter.seen).hasSize(101).endsWith(-1);
        assertThat(counter.seen.subList(0, 100)).isSorted();
    }

    @Test
    void aCallBeforeTheStartFailsAsNotStarted() throws Exception {
        Counter counter = new Counter(service);
        CompletableFuture<Integer> early = counter.getSelfGateway(CounterGateway.class).add(1);
        assertThatThrownBy(() -> early.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(EndpointNotStartedException.class);
    }

    @Test
    void anUnansweredCallFailsAfterItsTimeoutAndAFailingOneWithItsException() throws Exception {
        Counter counter = new Counter(service);
        counter.start();
        CounterGateway gateway = service.connect(counter.getAddress(), CounterGateway.class).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> gateway.hang(Duration.ofMillis(100)).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("CounterGateway.hang").hasMessageContaining(counter.getAddress());
        assertThatThrownBy(() -> gateway.fail("no such file").get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("no such file");
        assertThat(gateway.add(2).get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aFencedEndpointAnswersOnlyItsOwnToken() throws Exception {
        UUID token = UUID.randomUUID();
        Leader leader = new Leader(service, token);
        leader.start();
        LeaderGateway right = service.connect(leader.getAddress(), token, LeaderGateway.class).get(10, TimeUnit.SECONDS);
        assertThat(right.hello().get(10, TimeUnit.SECONDS)).isEqualTo("hello from " + token);
        assertThat(right.getFencingToken()).isEqualTo(token);
        LeaderGateway wrong = service.connect(leader.getAddress(), UUID.randomUUID(), LeaderGateway.class).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> wrong.hello().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(FencingTokenException.class).hasMessageContaining("Fencing token mismatch");
        assertThat(leader.getSelfGateway(LeaderGateway.class).hello().get(10, TimeUnit.SECONDS)).isEqualTo("hello from " + token);
    }

    @Test
    void aGatewayTheEndpointDoesNotImplementOrAnAddressWithNoEndpointIsRefused() throws Exception {
        Counter counter = new Counter(service);
        counter.start();
        assertThatThrownBy(() -> service.connect(counter.getAddress(), OtherGateway.class).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(HandshakeException.class).hasMessageContaining("OtherGateway");
        assertThatThrownBy(() -> service.connect("local://nowhere/counter", CounterGateway.class).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RpcConnectionException.class).hasMessageContaining("local://nowhere/counter");
    }

    @Test
    void aClosedEndpointStopsOnceAndIsThenUnreachable() throws Exception {
        Counter counter = new Counter(service);
        counter.start();
        CounterGateway gateway = service.connect(counter.getAddress(), CounterGateway.class).get(10, TimeUnit.SECONDS);
        assertThat(gateway.add(5).get(10, TimeUnit.SECONDS)).isEqualTo(5);
        counter.closeAsync().get(10, TimeUnit.SECONDS);
        assertThat(counter.stopped.getCount()).isZero();
        assertThatThrownBy(() -> gateway.add(1).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RecipientUnreachableException.class);
        assertThatThrownBy(() -> service.connect(counter.getAddress(), CounterGateway.class).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RpcConnectionException.class);
    }

    @Test
    void onlySettingsThatAskForItGetTheLocalSystem() {
        assertThatThrownBy(() -> new LocalRpcSystemLoader().loadRpcSystem(new Configuration()))
                .hasMessageContaining("floe.embedded.rpc");
        Configuration pekko = new Configuration();
        pekko.set(FloeOptions.EMBEDDED_RPC, FloeOptions.EmbeddedRpc.PEKKO);
        assertThatThrownBy(() -> new LocalRpcSystemLoader().loadRpcSystem(pekko)).hasMessageContaining("floe.embedded.rpc");
    }
}

package floe.run.rpc;

import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcServer;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcUtils;
import org.apache.flink.runtime.rpc.exceptions.HandshakeException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.apache.flink.util.concurrent.FutureUtils;
import org.apache.flink.util.concurrent.ScheduledExecutor;
import org.apache.flink.util.concurrent.ScheduledExecutorServiceAdapter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Flink's RPC service for a Flink whose components all live in this JVM (the embedded Flink): an
 * endpoint's calls are messages in its mailbox, run one at a time on a shared pool of threads, and
 * a gateway is a proxy that posts them. It starts no actor system: Flink's Pekko service takes
 * 0.3-0.5 s to start on 2 cores, about a quarter of a short run. It reaches only endpoints of this
 * JVM, by addresses {@code local://NAME/ENDPOINT}; nothing is serialised.
 */
final class LocalRpcService implements RpcService {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRpcService.class);
    static final ClassLoader FLINK_CLASS_LOADER = RpcService.class.getClassLoader();
    /** Every endpoint of this JVM by address: the services of one embedded Flink reach each other's. */
    private static final Map<String, LocalEndpoint> ENDPOINTS = new ConcurrentHashMap<>();
    private static final AtomicInteger SERVICES = new AtomicInteger();

    private final String name;
    private final Duration timeout;
    private final boolean captureAskCallStack;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledExecutor scheduledExecutor;
    private final Set<LocalEndpoint> endpoints = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final Object lock = new Object();
    private boolean stopped; // guarded by lock

    LocalRpcService(String componentName, Duration timeout, boolean captureAskCallStack) {
        this.name = componentName + "-" + SERVICES.incrementAndGet();
        this.timeout = timeout;
        this.captureAskCallStack = captureAskCallStack;
        // Threads as endpoints are busy at once (a few), kept a minute when idle.
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new ExecutorThreadFactory(componentName + "-rpc"));
        this.scheduler = new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), new ExecutorThreadFactory(componentName + "-rpc-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduledExecutor = new ScheduledExecutorServiceAdapter(scheduler);
    }

    ExecutorService executor() {
        return executor;
    }

    ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    Duration timeout() {
        return timeout;
    }

    boolean captureAskCallStack() {
        return captureAskCallStack;
    }

    /** An embedded Flink's services are local: no host, no port, as Flink's local Pekko service. */
    @Override
    public String getAddress() {
        return "";
    }

    @Override
    public int getPort() {
        return -1;
    }

    @Override
    public <C extends RpcGateway> C getSelfGateway(Class<C> type, RpcServer server) {
        if (!type.isInstance(server)) {
            throw new ClassCastException("RpcEndpoint does not implement the RpcGateway interface of type " + type + '.');
        }
        return type.cast(server);
    }

    @Override
    public <C extends RpcGateway> CompletableFuture<C> connect(String address, Class<C> type) {
        return gateway(address, type, null);
    }

    @Override
    public <F extends Serializable, C extends FencedRpcGateway<F>> CompletableFuture<C> connect(String address, F token, Class<C> type) {
        return gateway(address, type, () -> token);
    }

    private <C extends RpcGateway> CompletableFuture<C> gateway(String address, Class<C> type, Supplier<? extends Serializable> token) {
        synchronized (lock) {
            if (stopped) {
                throw new IllegalStateException("RpcService is stopped");
            }
        }
        // Completed on the service's threads, not the caller's, as a connection over Pekko is.
        return CompletableFuture.supplyAsync(() -> {
            LocalEndpoint target = ENDPOINTS.get(address);
            if (target == null) {
                throw new java.util.concurrent.CompletionException(new RpcConnectionException(
                        String.format("Could not connect to rpc endpoint under address %s.", address)));
            }
            if (!type.isAssignableFrom(target.endpoint().getClass())) {
                throw new java.util.concurrent.CompletionException(new HandshakeException(
                        String.format("The rpc endpoint does not support the gateway %s.", type.getSimpleName())));
            }
            return type.cast(Proxy.newProxyInstance(FLINK_CLASS_LOADER, new Class<?>[] {type}, new LocalGateway(this, target, token, false)));
        }, executor);
    }

    @Override
    public <C extends RpcEndpoint & RpcGateway> RpcServer startServer(C endpoint, Map<String, String> loggingContext) {
        String address = "local://" + name + "/" + endpoint.getEndpointId();
        LocalEndpoint local = new LocalEndpoint(this, endpoint, address, loggingContext);
        synchronized (lock) {
            if (stopped) {
                throw new IllegalStateException("RpcService is stopped");
            }
            if (ENDPOINTS.putIfAbsent(address, local) != null) {
                throw new IllegalArgumentException("An RPC endpoint runs at " + address + " already");
            }
            endpoints.add(local);
        }
        LOG.info("Starting RPC endpoint for {} at {} .", endpoint.getClass().getName(), address);
        Set<Class<?>> types = new LinkedHashSet<>(RpcUtils.extractImplementedRpcGateways(endpoint.getClass()));
        types.add(RpcServer.class);
        Supplier<? extends Serializable> token = endpoint instanceof FencedRpcEndpoint<?> fenced ? fenced::getFencingToken : null;
        return (RpcServer) Proxy.newProxyInstance(FLINK_CLASS_LOADER, types.toArray(new Class<?>[0]),
                new LocalGateway(this, local, token, true));
    }

    @Override
    public void stopServer(RpcServer server) {
        if (Proxy.isProxyClass(server.getClass()) && Proxy.getInvocationHandler(server) instanceof LocalGateway gateway) {
            LocalEndpoint target = gateway.target();
            boolean ours;
            synchronized (lock) {
                ours = !stopped && endpoints.remove(target);
            }
            if (ours) {
                target.post(new LocalEndpoint.Control(LocalEndpoint.ControlKind.TERMINATE, null));
            }
        }
    }

    /** Called by an endpoint as it ends: its address is free again. */
    void unregister(LocalEndpoint endpoint) {
        ENDPOINTS.remove(endpoint.address(), endpoint);
        endpoints.remove(endpoint);
    }

    @Override
    public ScheduledExecutor getScheduledExecutor() {
        return scheduledExecutor;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        synchronized (lock) {
            if (stopped) {
                return termination;
            }
            LOG.info("Stopping local RPC service {}.", name);
            stopped = true;
            for (LocalEndpoint endpoint : endpoints) {
                endpoint.post(new LocalEndpoint.Control(LocalEndpoint.ControlKind.TERMINATE, null));
                ends.add(endpoint.termination());
            }
            endpoints.clear();
        }
        FutureUtils.waitForAll(ends).whenComplete((ignored, failure) -> {
            scheduler.shutdownNow();
            executor.shutdown();
            LOG.info("Stopped local RPC service {}.", name);
            if (failure == null) {
                termination.complete(null);
            } else {
                termination.completeExceptionally(failure);
            }
        });
        return termination;
    }
}

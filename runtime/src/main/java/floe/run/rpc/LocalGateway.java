package floe.run.rpc;

import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.MainThreadExecutable;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcGatewayUtils;
import org.apache.flink.runtime.rpc.RpcServer;
import org.apache.flink.runtime.rpc.StartStoppable;
import org.apache.flink.runtime.rpc.exceptions.RpcException;
import org.apache.flink.util.ExceptionUtils;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What a gateway proxy of a {@link LocalEndpoint} does: a method of the endpoint's gateway becomes a
 * message in its mailbox, answered through a future that fails after the call's timeout
 * ({@code @RpcTimeout} or {@code pekko.ask.timeout}); a {@code void} method is sent and not waited
 * for; any other return type is waited for. Arguments and results are passed as they are: the
 * endpoints share this JVM. The endpoint's own server ({@link RpcServer}) is one of these, fenced
 * by the endpoint's token; so is a gateway asked for with a fencing token.
 */
final class LocalGateway implements InvocationHandler, RpcServer, FencedRpcGateway<java.io.Serializable> {
    private final LocalRpcService service;
    private final LocalEndpoint target;
    /** The fencing token its messages carry; null when it carries none. */
    private final Supplier<? extends java.io.Serializable> token;
    /** Whether this is the endpoint's own server: its termination and start and stop. */
    private final boolean server;

    LocalGateway(LocalRpcService service, LocalEndpoint target, Supplier<? extends java.io.Serializable> token, boolean server) {
        this.service = service;
        this.target = target;
        this.token = token;
        this.server = server;
    }

    LocalEndpoint target() {
        return target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Class<?> declaring = method.getDeclaringClass();
        if (declaring == Object.class || declaring == RpcGateway.class || declaring == StartStoppable.class
                || declaring == MainThreadExecutable.class || declaring == RpcServer.class) {
            try {
                return method.invoke(this, args);
            } catch (InvocationTargetException e) {
                throw e.getTargetException();
            }
        }
        if (declaring == FencedRpcGateway.class) {
            if (token == null) {
                throw new UnsupportedOperationException("This gateway was retrieved without a fencing token: use"
                        + " RpcService#connect(address, token, type) for a FencedRpcGateway.");
            }
            return token.get();
        }
        return invokeRpc(method, args == null ? new Object[0] : args);
    }

    private Object invokeRpc(Method method, Object[] args) throws Exception {
        Duration timeout = RpcGatewayUtils.extractRpcTimeout(method.getParameterAnnotations(), args, service.timeout());
        Class<?> returns = method.getReturnType();
        if (returns == Void.TYPE) {
            target.post(new LocalEndpoint.Invocation(method, args, null, token != null, tokenValue()));
            return null;
        }
        Throwable callStack = service.captureAskCallStack() ? new Throwable() : null;
        CompletableFuture<Object> reply = ask(timeout, () -> "Invocation of [" + method.getDeclaringClass().getSimpleName() + "."
                + method.getName() + "] at recipient [" + target.address() + "]", callStack);
        target.post(new LocalEndpoint.Invocation(method, args, reply, token != null, tokenValue()));
        if (returns == CompletableFuture.class) {
            return reply;
        }
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new RpcException("Failure while obtaining synchronous RPC result.", ExceptionUtils.stripExecutionException(e));
        }
    }

    /** A reply that fails with a {@link TimeoutException} once {@code timeout} passed unanswered. */
    private CompletableFuture<Object> ask(Duration timeout, Supplier<String> what, Throwable callStack) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        ScheduledFuture<?> expiry;
        try {
            expiry = service.scheduler().schedule(() -> {
                TimeoutException e = new TimeoutException(what.get() + " timed out after " + timeout.toMillis() + " ms.");
                if (callStack != null) {
                    e.setStackTrace(callStack.getStackTrace());
                }
                reply.completeExceptionally(e);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the service is closed: the message that follows fails as unreachable
            return reply;
        }
        reply.whenComplete((value, failure) -> expiry.cancel(false));
        return reply;
    }

    private Object tokenValue() {
        return token == null ? null : token.get();
    }

    @Override
    public void runAsync(Runnable runnable) {
        scheduleRunAsync(runnable, 0L);
    }

    @Override
    public void scheduleRunAsync(Runnable runnable, long delayMillis) {
        java.util.Objects.requireNonNull(runnable, "runnable");
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay must be zero or greater");
        }
        long at = delayMillis == 0 ? 0 : System.nanoTime() + delayMillis * 1_000_000;
        target.post(new LocalEndpoint.Run(runnable, at, token != null, tokenValue()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> CompletableFuture<V> callAsync(Callable<V> callable, Duration callTimeout) {
        CompletableFuture<Object> reply = ask(callTimeout, () -> "Call of " + callable + " at recipient [" + target.address() + "]", null);
        target.post(new LocalEndpoint.Call(callable, reply, token != null, tokenValue()));
        return (CompletableFuture<V>) reply;
    }

    @Override
    public void start() {
        target.post(new LocalEndpoint.Control(LocalEndpoint.ControlKind.START, null));
    }

    @Override
    public void stop() {
        target.post(new LocalEndpoint.Control(LocalEndpoint.ControlKind.STOP, null));
    }

    @Override
    public CompletableFuture<Void> getTerminationFuture() {
        return server ? target.termination() : null;
    }

    @Override
    public String getAddress() {
        return target.address();
    }

    @Override
    public String getHostname() {
        return "localhost";
    }

    @Override
    public java.io.Serializable getFencingToken() {
        return token == null ? null : token.get();
    }

    @Override
    public String toString() {
        return "gateway of " + target.address();
    }
}

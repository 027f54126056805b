package floe.run.rpc;

import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.MainThreadValidatorUtil;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.exceptions.EndpointNotStartedException;
import org.apache.flink.runtime.rpc.exceptions.FencingTokenException;
import org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;
import org.apache.flink.runtime.rpc.exceptions.RpcException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.MdcUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One RPC endpoint of a {@link LocalRpcService}: its mailbox, drained one message at a time on the
 * service's threads, so the endpoint's code runs as on its own main thread, and its life (started,
 * stopped, terminating, terminated), as Flink's Pekko actor keeps them. Messages before the start are
 * dropped (a call fails with {@link EndpointNotStartedException}); a fenced endpoint takes only
 * messages carrying its fencing token; once terminated, a call fails with {@link
 * RecipientUnreachableException}.
 */
final class LocalEndpoint implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEndpoint.class);
    /** Messages handled in one turn on a thread before it is handed back to the other endpoints. */
    private static final int BATCH = 32;
    /** By the endpoint's class, the method that serves each gateway method. */
    private static final Map<Class<?>, Map<Method, Method>> METHODS = new ConcurrentHashMap<>();

    enum State { STOPPED, STARTED, TERMINATING, TERMINATED }

    /**
     * A message: whether it carries a fencing token ({@code fenced}) and which, and the future its
     * answer completes (null: nobody waits).
     */
    sealed interface Message permits Invocation, Run, Call, Control {
        default boolean fenced() {
            return false;
        }

        default Object token() {
            return null;
        }

        default CompletableFuture<Object> reply() {
            return null;
        }
    }

    record Invocation(Method method, Object[] args, CompletableFuture<Object> reply, boolean fenced, Object token) implements Message {
        @Override
        public String toString() {
            return method.getDeclaringClass().getSimpleName() + "." + method.getName();
        }
    }

    record Run(Runnable runnable, long atNanos, boolean fenced, Object token) implements Message {}

    record Call(Callable<?> callable, CompletableFuture<Object> reply, boolean fenced, Object token) implements Message {}

    /** START, STOP and TERMINATE, in the mailbox's order as any message; ENDED once the endpoint's stop completed. */
    enum ControlKind { START, STOP, TERMINATE, ENDED }

    record Control(ControlKind kind, Throwable failure) implements Message {}

    private final LocalRpcService service;
    private final RpcEndpoint endpoint;
    private final String address;
    private final Map<String, String> loggingContext;
    private final MainThreadValidatorUtil mainThread;
    private final Queue<Message> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private volatile State state = State.STOPPED;

    LocalEndpoint(LocalRpcService service, RpcEndpoint endpoint, String address, Map<String, String> loggingContext) {
        this.service = service;
        this.endpoint = endpoint;
        this.address = address;
        this.loggingContext = Map.copyOf(loggingContext);
        this.mainThread = new MainThreadValidatorUtil(endpoint);
    }

    RpcEndpoint endpoint() {
        return endpoint;
    }

    String address() {
        return address;
    }

    CompletableFuture<Void> termination() {
        return termination;
    }

    /** Puts {@code message} in the mailbox; one sent after the end fails at once. */
    void post(Message message) {
        if (state == State.TERMINATED) {
            unreachable(message);
            return;
        }
        mailbox.add(message);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                service.executor().execute(this);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // the service is closed: nothing runs any more
                Message left;
                while ((left = mailbox.poll()) != null) {
                    unreachable(left);
                }
            }
        }
    }

    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LocalRpcService.FLINK_CLASS_LOADER);
        try (MdcUtils.MdcCloseable mdc = MdcUtils.withContext(loggingContext)) {
            for (int i = 0; i < BATCH; i++) {
                Message message = mailbox.poll();
                if (message == null) {
                    break;
                }
                try {
                    handle(message);
                } catch (Throwable t) {
                    // Nothing may escape to the pool's threads, whose handler stops the JVM.
                    LOG.error("The rpc endpoint {} failed to handle {}.", address, message, t);
                    ExceptionUtils.rethrowIfFatalErrorOrOOM(t);
                    fail(message, t);
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
            scheduled.set(false);
            if (!mailbox.isEmpty()) {
                schedule();
            }
        }
    }

    private void handle(Message message) {
        if (message instanceof Control control) {
            control(control);
        } else if (state == State.TERMINATED) {
            unreachable(message);
        } else if (state == State.STOPPED) {
            LOG.info("The rpc endpoint {} has not been started yet. Discarding message {} until processing is started.",
                    endpoint.getClass().getName(), message);
            fail(message, new EndpointNotStartedException(String.format(
                    "Discard message %s, because the rpc endpoint %s has not been started yet.", message, address)));
        } else if (fencingRejects(message)) {
            return;
        } else {
            mainThread.enterMainThread();
            try {
                if (message instanceof Invocation invocation) {
                    invoke(invocation);
                } else if (message instanceof Run run) {
                    run(run);
                } else if (message instanceof Call call) {
                    call(call);
                }
            } finally {
                mainThread.exitMainThread();
            }
        }
    }

    /** A fenced endpoint takes a message only with its own token, as Flink's fenced actor. */
    private boolean fencingRejects(Message message) {
        if (!(endpoint instanceof FencedRpcEndpoint<?> fenced)) {
            return false;
        }
        Object expected = fenced.getFencingToken();
        Object token = message.token();
        if (!message.fenced()) {
            fail(message, new FencingTokenException("Unknown message type: Ignoring message " + message
                    + " because it carries no fencing token; " + address + " is fenced."));
            return true;
        }
        if (expected == null) {
            fail(message, new FencingTokenException(String.format(
                    "Fencing token not set: Ignoring message %s sent to %s because the fencing token is null.", message, address)));
            return true;
        }
        if (!Objects.equals(expected, token)) {
            LOG.debug("Fencing token mismatch: Ignoring message {} because the fencing token {} did not match the expected fencing token {}.",
                    message, token, expected);
            fail(message, new FencingTokenException("Fencing token mismatch: Ignoring message " + message + " because the fencing token "
                    + token + " did not match the expected fencing token " + expected + '.'));
            return true;
        }
        return false;
    }

    private void invoke(Invocation invocation) {
        Method method;
        try {
            method = lookup(endpoint.getClass(), invocation.method());
        } catch (NoSuchMethodException e) {
            LOG.error("Could not find rpc method for rpc invocation.", e);
            fail(invocation, new RpcConnectionException("Could not find rpc method for rpc invocation.", e));
            return;
        }
        Object result;
        try {
            result = method.invoke(endpoint, invocation.args());
        } catch (InvocationTargetException e) {
            if (invocation.reply() == null) {
                LOG.error("Error while executing remote procedure call {}.", method, e.getTargetException());
            } else {
                LOG.debug("Reporting back error thrown in remote procedure {}", method, e.getTargetException());
                invocation.reply().completeExceptionally(e.getTargetException());
            }
            return;
        } catch (Throwable e) {
            LOG.error("Error while executing remote procedure call {}.", method, e);
            fail(invocation, e);
            return;
        }
        CompletableFuture<Object> reply = invocation.reply();
        if (reply == null) {
            return;
        }
        if (result instanceof CompletableFuture<?> future) {
            future.whenComplete((value, failure) -> {
                if (failure != null) {
                    reply.completeExceptionally(ExceptionUtils.stripCompletionException(failure));
                } else {
                    reply.complete(value);
                }
            });
        } else {
            reply.complete(result);
        }
    }

    private static Method lookup(Class<?> type, Method declared) throws NoSuchMethodException {
        Map<Method, Method> methods = METHODS.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        Method method = methods.get(declared);
        if (method == null) {
            method = type.getMethod(declared.getName(), declared.getParameterTypes());
            method.setAccessible(true); // an anonymous or package-private endpoint class
            methods.put(declared, method);
        }
        return method;
    }

    private void run(Run run) {
        long delay = run.atNanos() == 0 ? 0 : run.atNanos() - System.nanoTime();
        if (delay > 0) {
            service.scheduler().schedule(() -> post(run), delay, TimeUnit.NANOSECONDS);
            return;
        }
        try {
            run.runnable().run();
        } catch (Throwable t) {
            LOG.error("Caught exception while executing runnable in main thread.", t);
            ExceptionUtils.rethrowIfFatalErrorOrOOM(t);
        }
    }

    private void call(Call call) {
        try {
            call.reply().complete(call.callable().call());
        } catch (Throwable t) {
            call.reply().completeExceptionally(t);
        }
    }

    private void control(Control control) {
        switch (control.kind()) {
            case START -> {
                if (state == State.STOPPED) {
                    state = State.STARTED;
                    mainThread.enterMainThread();
                    try {
                        endpoint.internalCallOnStart();
                    } catch (Throwable t) {
                        end(new RpcException(String.format("Could not start RpcEndpoint %s.", endpoint.getEndpointId()), t));
                    } finally {
                        mainThread.exitMainThread();
                    }
                }
            }
            case STOP -> {
                if (state == State.STARTED) {
                    state = State.STOPPED;
                }
            }
            case TERMINATE -> {
                if (state == State.STOPPED) {
                    end(null);
                } else if (state == State.STARTED) {
                    state = State.TERMINATING;
                    CompletableFuture<Void> stopped;
                    mainThread.enterMainThread();
                    try {
                        stopped = endpoint.internalCallOnStop();
                    } catch (Throwable t) {
                        stopped = CompletableFuture.failedFuture(new RpcException(
                                String.format("Failure while stopping RpcEndpoint %s.", endpoint.getEndpointId()), t));
                    } finally {
                        mainThread.exitMainThread();
                    }
                    stopped.whenComplete((ignored, failure) -> {
                        mailbox.add(new Control(ControlKind.ENDED, failure));
                        schedule();
                    });
                }
            }
            case ENDED -> end(control.failure());
        }
    }

    /** The endpoint's end: later and waiting messages fail, its address is free, its termination completes. */
    private void end(Throwable failure) {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        service.unregister(this);
        Message left;
        while ((left = mailbox.poll()) != null) {
            if (!(left instanceof Control)) {
                unreachable(left);
            }
        }
        if (failure == null) {
            termination.complete(null);
        } else {
            LOG.info("The RpcEndpoint {} failed.", endpoint.getEndpointId(), failure);
            termination.completeExceptionally(failure);
        }
    }

    private void unreachable(Message message) {
        fail(message, new RecipientUnreachableException("unknown", address, String.valueOf(message)));
    }

    private static void fail(Message message, Throwable failure) {
        if (message.reply() != null) {
            message.reply().completeExceptionally(failure);
        }
    }
}

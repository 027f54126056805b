package floe.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A command started by a {@link Spawner}: a child of this JVM in a launcher's PID namespace, the
 * leader of a process group of its own. Its streams are files (never pipes to this JVM); a signal
 * to it goes to its whole group; when it ends, what it left in its group is killed before it is
 * reaped (so its group's number cannot have been given to another meanwhile).
 */
final class SpawnedProcess extends Process {
    private final int pid;
    private final ProcessHandle handle;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private boolean reaped; // guarded by this

    SpawnedProcess(int pid) {
        this.pid = pid;
        // Taken before it can be reaped: the handle remembers its start, so no later process with its pid is taken for it.
        this.handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("spawned process " + pid + " is not there"));
    }

    /** Waits for its end, kills what it left in its group, reaps it: on a thread of its own. */
    void awaitEnd() {
        boolean ended = Spawner.awaitEnd(pid);
        int code;
        synchronized (this) {
            if (ended) {
                Spawner.signalGroup(pid, Spawner.SIGKILL);
            }
            code = Spawner.reap(pid);
            reaped = true;
        }
        exit.complete(code);
    }

    private void signal(int signal) {
        synchronized (this) {
            if (!reaped) {
                Spawner.signalGroup(pid, signal);
            }
        }
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exit.join();
    }

    @Override
    public void destroy() {
        signal(Spawner.SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Spawner.SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(code -> this);
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    @Override
    public Stream<ProcessHandle> children() {
        return handle.children();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return handle.descendants();
    }

    @Override
    public String toString() {
        return "SpawnedProcess[pid " + pid + (exit.isDone() ? ", exit " + exit.join() : "") + "]";
    }
}

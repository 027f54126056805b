package floe.exec;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A command started by this JVM's {@link Launcher}: a child of the launcher, not of this JVM, in a
 * process group of its own. Its streams are files (never pipes to this JVM), its exit code comes
 * from the launcher, and a signal to it goes to its whole group.
 */
final class LaunchedProcess extends FileStreamsProcess {
    private final Launcher launcher;
    final long id;
    /** The pid this JVM sees, once the launcher says it started; an exception when it could not. */
    final CompletableFuture<Long> started = new CompletableFuture<>();
    /** Taken when it started (it remembers the start time, so no later process with its pid is mistaken for it); null when gone by then. */
    private volatile ProcessHandle handle;

    LaunchedProcess(Launcher launcher, long id) {
        this.launcher = launcher;
        this.id = id;
    }

    void startedAs(long pid) {
        handle = ProcessHandle.of(pid).orElse(null);
        started.complete(pid);
    }

    void couldNotStart(String why) {
        couldNotStart(new java.io.IOException(why));
    }

    void couldNotStart(java.io.IOException why) {
        started.completeExceptionally(why);
    }

    @Override
    void exited(int code) {
        started.complete(-1L); // ended before it said it started (killed at once): nothing of it runs
        super.exited(code);
    }

    /** Its handle, while it may still run. */
    Optional<ProcessHandle> handle() {
        return Optional.ofNullable(handle);
    }

    @Override
    public void destroy() {
        launcher.signal(this, 15);
    }

    @Override
    public Process destroyForcibly() {
        launcher.signal(this, 9);
        return this;
    }

    @Override
    public long pid() {
        Long pid = started.getNow(-1L);
        if (pid < 0) {
            throw new UnsupportedOperationException("process of command " + id + ": no pid (it did not start, or ended at once)");
        }
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return handle().orElseThrow(() -> new UnsupportedOperationException("process of command " + id + " is gone"));
    }

    @Override
    public Stream<ProcessHandle> children() {
        return handle().map(ProcessHandle::children).orElse(Stream.empty());
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return handle().map(ProcessHandle::descendants).orElse(Stream.empty());
    }

    @Override
    public String toString() {
        return "LaunchedProcess[command " + id + ", pid " + started.getNow(-1L) + exitText() + "]";
    }
}

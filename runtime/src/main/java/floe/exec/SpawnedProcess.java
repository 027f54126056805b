package floe.exec;

import java.util.stream.Stream;

/**
 * A command started by a {@link Spawner}: a child of this JVM in a launcher's PID namespace, the
 * leader of a process group of its own. Its streams are files (never pipes to this JVM); a signal
 * to it goes to its whole group; when it ends, what it left in its group is killed before it is
 * reaped (so its group's number cannot have been given to another meanwhile).
 */
final class SpawnedProcess extends FileStreamsProcess {
    private final int pid;
    /**
     * Taken on first use (only stopping a command needs it: most never do), and only while the
     * process is unreaped, when its pid is its own: the handle remembers the process's start, so no
     * later process with its pid is taken for it. Asked for once it was reaped, it is an ended one.
     */
    private ProcessHandle handle; // guarded by this
    private boolean reaped; // guarded by this

    SpawnedProcess(int pid) {
        this.pid = pid;
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
        exited(code);
    }

    private void signal(int signal) {
        synchronized (this) {
            if (!reaped) {
                Spawner.signalGroup(pid, signal);
            }
        }
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
    public long pid() {
        return pid;
    }

    @Override
    public synchronized ProcessHandle toHandle() {
        if (handle == null) {
            handle = reaped ? null : ProcessHandle.of(pid).orElse(null);
            if (handle == null) {
                handle = new EndedProcessHandle(pid);
            }
        }
        return handle;
    }

    @Override
    public Stream<ProcessHandle> children() {
        return toHandle().children();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return toHandle().descendants();
    }

    @Override
    public String toString() {
        return "SpawnedProcess[pid " + pid + exitText() + "]";
    }
}

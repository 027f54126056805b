package floe.exec;

/**
 * Work a JVM stopped by Ctrl-C or SIGTERM must still do (kill the commands it started, cancel its
 * jobs, tell the user something), registered for as long as it matters. A SIGKILL runs none of it.
 *
 * <pre>{@code
 * try (OnJvmStop hint = OnJvmStop.run("floe-hint", () -> System.err.println("stopped"))) {
 *     follow(job);
 * }
 * }</pre>
 */
public final class OnJvmStop implements AutoCloseable {
    private final Thread hook;
    private final boolean wasRegistered;
    private boolean registered;

    private OnJvmStop(Thread hook, boolean registered) {
        this.hook = hook;
        this.wasRegistered = registered;
        this.registered = registered;
    }

    /** Runs {@code action} if the JVM stops before {@link #close()}; nothing if it is stopping already. */
    public static OnJvmStop run(String name, Runnable action) {
        Thread hook = new Thread(action, name);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return new OnJvmStop(hook, true);
        } catch (IllegalStateException stopping) {
            return new OnJvmStop(hook, false);
        }
    }

    /** Whether this JVM is on its way down: its shutdown hooks run now, side by side. */
    public static boolean inProgress() {
        OnJvmStop probe = run("floe-stop-probe", () -> { });
        probe.close();
        return !probe.wasRegistered;
    }

    @Override
    public synchronized void close() {
        if (registered) {
            registered = false;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException stopping) {
                // the JVM is stopping: the action runs anyway
            }
        }
    }
}

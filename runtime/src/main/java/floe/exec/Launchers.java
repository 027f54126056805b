package floe.exec;

/**
 * Starts this JVM's command launchers ahead of the first command, on a thread of its own: an
 * embedded run of a workflow with command tasks calls it while its Flink starts, so that its first
 * commands do not wait for the launchers (a process and its PID namespace each, about 0.05 s on 2
 * cores). Where commands start one by one, it starts nothing.
 */
public final class Launchers {
    private Launchers() {}

    public static void startAhead() {
        Thread thread = new Thread(() -> {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                if (Launcher.get() == null) {
                    return;
                }
            }
        }, "floe-launchers-ahead");
        thread.setDaemon(true);
        thread.start();
    }
}

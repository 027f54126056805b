package floe.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemons this JVM keeps running: processes of daemon tasks (Argo's {@code daemon: true}) left
 * running once ready, by run and scope. A later task ends a scope ({@link #end}: Argo ends a daemon
 * when the steps or dag template that started it ends), a failed run ends all of its own
 * ({@link #endRun}), and so does a JVM that stops. Process handles are this JVM's: a daemon is ended
 * by the JVM that started it.
 *
 * <pre>{@code
 * Daemons.keep(ctx.run(), "main/0", process);   // the daemon task, once ready
 * Daemons.end(ctx.run(), "main/0");             // the scope's end: SIGTERM, then SIGKILL
 * }</pre>
 */
public final class Daemons {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Daemons.class);
    /** The address of a daemon on this machine when nothing says which address others reach it at. */
    public static final String LOCAL = "127.0.0.1";
    /** How long a daemon is given to stop on SIGTERM before it is killed, as a pod's grace period (shorter). */
    private static final long GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    /** A daemon's process and what to do once it is gone (remove what its attempt staged). */
    private record Kept(Process process, Runnable then) {}

    /** run -> scope -> daemons. */
    private static final Map<String, Map<String, List<Kept>>> KEPT = new ConcurrentHashMap<>();
    static {
        // A JVM that stops (Ctrl-C, SIGTERM) takes its daemons with it, as it does its other commands.
        OnJvmStop.run("floe-stop-daemons", Daemons::endAll);
    }

    private Daemons() {}

    /** Keeps {@code process} running until scope {@code scope} of run {@code run} ends; {@code then} runs once it is gone. */
    static void keep(String run, String scope, Process process, Runnable then) {
        KEPT.computeIfAbsent(run, r -> new ConcurrentHashMap<>()).computeIfAbsent(scope, s -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Kept(process, then));
    }

    /** Ends the daemons of {@code scope} in run {@code run}: SIGTERM to each process tree, SIGKILL 2 s later; returns how many. */
    public static int end(String run, String scope) {
        Map<String, List<Kept>> scopes = KEPT.get(run);
        List<Kept> processes = scopes == null ? null : scopes.remove(scope);
        if (processes == null) {
            return 0;
        }
        stop(processes);
        LOG.info("run {}: ended {} daemon(s) of {}", run, processes.size(), scope);
        return processes.size();
    }

    /** Ends every daemon of run {@code run} this JVM keeps; returns how many. */
    public static int endRun(String run) {
        Map<String, List<Kept>> scopes = KEPT.remove(run);
        if (scopes == null) {
            return 0;
        }
        List<Kept> all = new ArrayList<>();
        scopes.values().forEach(all::addAll);
        stop(all);
        if (!all.isEmpty()) {
            LOG.info("run {}: ended {} daemon(s) left running", run, all.size());
        }
        return all.size();
    }

    /** Whether scope {@code scope} of run {@code run} has daemons kept. */
    public static boolean running(String run, String scope) {
        Map<String, List<Kept>> scopes = KEPT.get(run);
        return scopes != null && scopes.containsKey(scope);
    }

    private static void endAll() {
        List<String> runs = new ArrayList<>(KEPT.keySet());
        runs.forEach(Daemons::endRun);
    }

    private static void stop(List<Kept> daemons) {
        CommandRunner.stopTrees(daemons.stream().map(Kept::process).toList(), GRACE_NANOS);
        for (Kept k : daemons) {
            try {
                k.then().run();
            } catch (RuntimeException e) {
                LOG.warn("after a daemon ended: {}", e.toString());
            }
        }
    }
}

package floe.jobs.cli;

import floe.argo.ArgoOptions;
import floe.exec.Suspensions;
import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The progress display's note of a stage with suspended tasks ({@code suspended: floe resume RUN
 * --node NODE}), from the suspend directory of this machine: a run of {@code workflow} started
 * since this was made. Read at most twice a second.
 */
final class SuspendedNotes implements Function<String, String> {
    private static final long REFRESH_MILLIS = 500;

    private final Path root;
    private final String workflow;
    private final Instant since;
    private long readAt;
    private Map<String, String> notes = Map.of();

    private SuspendedNotes(Path root, String workflow) {
        this.root = root;
        this.workflow = workflow;
        this.since = Instant.now().minusSeconds(1);
    }

    static SuspendedNotes of(Configuration conf, String workflow) {
        return new SuspendedNotes(Path.of(conf.getOptional(FloeOptions.ARGO_SUSPEND_DIR).orElse(ArgoOptions.DEFAULT_SUSPEND_DIR)), workflow);
    }

    @Override
    public synchronized String apply(String stage) {
        long now = System.currentTimeMillis();
        if (now - readAt >= REFRESH_MILLIS) {
            readAt = now;
            Map<String, String> fresh = new TreeMap<>();
            try {
                List<Suspensions.Waiting> waiting = Suspensions.waiting(root);
                for (Suspensions.Waiting w : waiting) {
                    if (w.run().startsWith(workflow + "-") && !w.since().isBefore(since)) {
                        String of = w.node().equals("workflow") ? "floe.suspended" : w.node().replaceFirst("\\(\\d+\\)$", "");
                        fresh.merge(of, "suspended " + (w.until() == null ? "until resumed" : "until " + w.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ": floe resume "
                                + w.run() + " --node " + w.node(), (a, b) -> a);
                    }
                }
            } catch (IOException e) {
                // a run ended meanwhile and took its directory: nothing waits there
            }
            notes = fresh;
        }
        return notes.get(stage);
    }
}

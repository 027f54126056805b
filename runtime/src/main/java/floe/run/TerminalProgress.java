package floe.run;

import java.io.PrintStream;
import java.util.List;

/**
 * Per-stage progress on a terminal: redrawn in place where the output is a terminal; elsewhere
 * (a log, CI) one line each time a stage finishes.
 */
public final class TerminalProgress implements ProgressListener {
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean redraw;
    private final long startNanos = System.nanoTime();
    private int drawnLines;
    private boolean[] reported;

    private TerminalProgress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** Progress on standard error, redrawn when it is a terminal. */
    public static TerminalProgress onStderr() {
        return new TerminalProgress(System.err, System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM")));
    }

    public static TerminalProgress plain(PrintStream out) {
        return new TerminalProgress(out, false);
    }

    @Override
    public synchronized void update(List<StageProgress> stages, boolean finished) {
        if (redraw) {
            if (drawnLines > 0) {
                out.print("\033[" + drawnLines + "A");
            }
            for (StageProgress s : stages) {
                out.print("\r\033[K" + line(s) + "\n");
            }
            drawnLines = stages.size();
            out.flush();
            return;
        }
        if (reported == null) {
            reported = new boolean[stages.size()];
        }
        for (int i = 0; i < stages.size(); i++) {
            StageProgress s = stages.get(i);
            if (!reported[i] && (s.done() || s.failed())) {
                reported[i] = true;
                out.println(line(s));
            }
        }
        out.flush();
    }

    private String line(StageProgress s) {
        int filled = s.tasks() == 0 ? BAR : (int) ((long) s.tasksDone() * BAR / s.tasks());
        String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
        String state = s.failed() ? "FAILED" : s.done() ? "done" : s.running() > 0 ? s.running() + " running" : "waiting";
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return String.format("%-24s [%s] %7d/%-7d %-12s %6.1fs", s.stage(), bar, s.tasksDone(), s.tasks(), state, seconds);
    }
}

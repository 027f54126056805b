package floe.run;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * Per-stage progress on a terminal: redrawn in place where the output is a terminal; elsewhere
 * (a log, CI) one line each time a stage finishes.
 */
public final class TerminalProgress implements ProgressListener {
    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean redraw;
    /** What to say of a stage beside its figures (a suspended task: how to resume it), or null. */
    private final java.util.function.Function<String, String> notes;
    private final java.util.Map<String, String> noted = new java.util.HashMap<>();
    private final long startNanos = System.nanoTime();
    private int drawnLines;
    private boolean[] reported;

    private TerminalProgress(PrintWriter out, boolean redraw, java.util.function.Function<String, String> notes) {
        this.out = out;
        this.redraw = redraw;
        this.notes = notes;
    }

    /** Progress on standard error, redrawn when it is a terminal. */
    public static TerminalProgress onStderr() {
        return onStderr(stage -> null);
    }

    /**
     * Progress on standard error with a note per stage where {@code notes} has one (e.g. that a
     * task of it is suspended): beside the stage's line, or on a line of its own, once, where
     * lines are not redrawn.
     */
    public static TerminalProgress onStderr(java.util.function.Function<String, String> notes) {
        return on(new PrintWriter(System.err), stderrIsTerminal(), notes);
    }

    /** Whether this JVM's standard error is a terminal that understands cursor movement. */
    public static boolean stderrIsTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !"dumb".equals(term);
    }

    /**
     * Progress on {@code err}, redrawn in place when {@code terminal} (it is a terminal that
     * understands cursor movement), with a note per stage where {@code notes} has one.
     */
    public static TerminalProgress on(PrintWriter err, boolean terminal, java.util.function.Function<String, String> notes) {
        return new TerminalProgress(err, terminal, notes);
    }

    public static TerminalProgress plain(PrintStream out) {
        return new TerminalProgress(new PrintWriter(out), false, stage -> null);
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
            String note = s.done() || s.failed() ? null : notes.apply(s.stage());
            if (note != null && !note.equals(noted.put(s.stage(), note))) {
                out.println(String.format("%-24s %s", s.stage(), note));
            }
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
        String note = s.done() || s.failed() || !redraw ? null : notes.apply(s.stage());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return String.format("%-24s [%s] %7d/%-7d %-12s %6.1fs%s", s.stage(), bar, s.tasksDone(), s.tasks(), state, seconds,
                note == null ? "" : "  " + note);
    }
}

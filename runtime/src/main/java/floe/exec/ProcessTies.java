package floe.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ties a command's processes to the JVM that runs them, so that they die with it whatever stops
 * it (SIGKILL, the OOM killer, a crash), not only on a normal stop (a shutdown hook): the command
 * runs in a PID namespace of its own ({@code unshare --pid --fork --kill-child}), whose first
 * process takes every other one down with it when it dies, under a parent-death signal
 * ({@code setpriv --pdeathsig KILL}, util-linux) that kills it when this JVM dies.
 *
 * <p>{@code floe.exec.isolation} chooses: {@code auto} (the default: the strongest of the two
 * below that works here, found once by trying it), {@code pid-namespace}, {@code parent-death}
 * (the command itself dies with the JVM, processes it leaves in the background do not) or
 * {@code none}. A PID namespace needs root, or a user namespace ({@code --map-root-user}); the
 * latter changes the user a command sees, so without root a command without volumes gets the
 * parent-death signal only, and one with volumes (already in a user namespace,
 * {@link MountNamespace}) gets both.
 *
 * <p>Where commands get a PID namespace each, those that run to their end start from a {@link
 * Launcher} instead: one namespace per launcher, the same guarantee, a fork and an exec a command.
 *
 * <p>The parent-death signal is sent when the <em>thread</em> that started the process ends, not
 * only the JVM, so {@link CommandRunner} starts every process on threads that never end.
 */
final class ProcessTies {
    enum Kind { PID_NAMESPACE, PARENT_DEATH, NONE }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessTies.class);
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    /** Programs found on this JVM's PATH (which does not change), by name. */
    private static final java.util.Map<String, String> ON_PATH = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile Kind kind;

    private ProcessTies() {}

    /** The ties this JVM's commands get, chosen once. */
    static Kind kind() {
        Kind k = kind;
        if (k == null) {
            synchronized (ProcessTies.class) {
                if (kind == null) {
                    kind = choose(System.getProperty("floe.exec.isolation", "auto"));
                    LOG.info("commands die with this JVM by: {}", describe(kind));
                }
                k = kind;
            }
        }
        return k;
    }

    static String describe(Kind k) {
        return switch (k) {
            case PID_NAMESPACE -> "a PID namespace each under a parent-death signal (unshare --pid --kill-child, setpriv --pdeathsig)"
                    + (ROOT ? "" : "; commands without volumes: the parent-death signal only (no root)");
            case PARENT_DEATH -> "a parent-death signal (setpriv --pdeathsig): processes a command leaves in the background survive it";
            case NONE -> "nothing: a JVM killed with SIGKILL leaves its commands running";
        };
    }

    private static Kind choose(String setting) {
        switch (setting) {
            case "pid-namespace":
                return Kind.PID_NAMESPACE;
            case "parent-death":
                return Kind.PARENT_DEATH;
            case "none":
                return Kind.NONE;
            case "auto":
                break;
            default:
                throw new floe.SpecException("floe.exec.isolation: '" + setting + "' is none of auto, pid-namespace, parent-death, none");
        }
        List<String> pid = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "unshare", "--pid", "--fork", "--kill-child"));
        if (!ROOT) {
            pid.add("--map-root-user");
        }
        pid.add("true");
        if (works(pid)) {
            return Kind.PID_NAMESPACE;
        }
        if (works(List.of("setpriv", "--pdeathsig", "KILL", "true"))) {
            LOG.warn("no PID namespace for commands here (unshare --pid failed): only a command's own process dies with this JVM");
            return Kind.PARENT_DEATH;
        }
        LOG.warn("neither unshare --pid nor setpriv --pdeathsig works here: commands outlive a JVM killed with SIGKILL");
        return Kind.NONE;
    }

    /**
     * Whether {@code argv} runs and exits 0. Not cut short by an interrupt (the first command of a
     * task with a timeout may be the one that asks): the answer holds for the JVM's life.
     */
    private static boolean works(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            return false;
        }
        boolean interrupted = false;
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    if (p.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        return p.exitValue() == 0;
                    }
                    p.destroyForcibly();
                    return false;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What goes before a command without volumes; empty when it cannot be found (then the JDK says why it cannot start). */
    static List<String> prefix(List<String> argv, String workingDir) {
        Kind k = kind();
        if (k == Kind.NONE || !findable(argv.get(0), workingDir)) {
            return List.of();
        }
        if (k == Kind.PID_NAMESPACE && ROOT) {
            return List.of("setpriv", "--pdeathsig", "KILL", "unshare", "--pid", "--fork", "--kill-child", "--");
        }
        return List.of("setpriv", "--pdeathsig", "KILL", "--");
    }

    /** What goes before {@code unshare}'s own options for a command with volumes, and what goes among them. */
    static List<String> beforeUnshare() {
        return kind() == Kind.NONE ? List.of() : List.of("setpriv", "--pdeathsig", "KILL");
    }

    static List<String> unshareOptions() {
        return kind() == Kind.PID_NAMESPACE ? List.of("--pid", "--fork", "--kill-child") : List.of();
    }

    /**
     * Whether {@code program} names an executable file as the JDK would find it: a path (relative
     * to the working directory), or a name on this JVM's PATH.
     */
    static boolean findable(String program, String workingDir) {
        return executable(program, workingDir) != null;
    }

    /**
     * The file the JDK would run for {@code program}: {@code program} itself when it is a path
     * (relative to the working directory), else the first executable of that name on this JVM's PATH;
     * null when there is none.
     */
    static String executable(String program, String workingDir) {
        if (program.contains("/")) {
            Path p = workingDir == null ? Path.of(program) : Path.of(workingDir).resolve(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? program : null;
        }
        // Found before and still there: one look instead of one a PATH directory (as a shell's hash).
        String known = ON_PATH.get(program);
        if (known != null && Files.isRegularFile(Path.of(known)) && Files.isExecutable(Path.of(known))) {
            return known;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                String found = p.toAbsolutePath().toString();
                if (Path.of(dir.isEmpty() ? "." : dir).isAbsolute()) { // a relative one depends on the working directory
                    ON_PATH.put(program, found);
                }
                return found;
            }
        }
        return null;
    }
}

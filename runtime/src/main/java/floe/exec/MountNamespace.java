package floe.exec;

import floe.model.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a command see host directories at its own paths, as a container sees its volumes: the
 * command runs in a private mount namespace ({@code unshare}, util-linux) where each directory (or
 * file) is bind-mounted at its path; nothing changes outside the namespace but the (empty) mount
 * points, which are created if missing. A read-only mount is bind-mounted, then remounted read-only. Needs root, or unprivileged user namespaces (then
 * {@code --map-root-user}). Paths travel as arguments, never inside the shell text.
 */
final class MountNamespace {
    /** The exit code of the wrapper when a mount fails (the command never ran). */
    static final int MOUNT_FAILED = 125;
    /** The exit code of the wrapper when the command cannot be found (the command never ran). */
    static final int NOT_FOUND = 127;

    private static final String SCRIPT = "wd=$1; shift; "
            + "while [ \"$1\" != -- ]; do "
            + "if [ \"$3\" = overlay ]; then mkdir -p \"$2\" \"$1/upper\" \"$1/work\" "
            + "&& mount -t overlay overlay -o \"lowerdir=$2,upperdir=$1/upper,workdir=$1/work\" \"$2\" || exit 125; "
            + "else if [ \"$3\" = file ]; then mkdir -p \"$(dirname \"$2\")\" && { [ -e \"$2\" ] || : > \"$2\"; }; else mkdir -p \"$2\"; fi "
            + "&& mount --bind \"$1\" \"$2\" || exit 125; "
            + "if [ \"$3\" = ro ]; then mount -o remount,bind,ro \"$2\" || exit 125; fi; fi; shift 3; done; shift; "
            + "cd \"$wd\" || exit 125; "
            + "command -v \"$1\" >/dev/null 2>&1 || { echo \"not found on PATH or not executable\" >&2; exit 127; }; exec \"$@\"";

    private final boolean root = "root".equals(System.getProperty("user.name"));

    /**
     * The mounts in the order they are made: those outside every overlay first (their host paths
     * are still this machine's own), then the overlays, outermost first, then those inside an
     * overlay's path, whose host paths must lie outside every overlay: inside one, the command
     * would write to the overlay, not to this machine's directory.
     */
    static List<Command.Mount> ordered(List<Command.Mount> mounts) {
        List<Command.Mount> overlays = mounts.stream().filter(m -> m.kind() == Command.Mount.Kind.OVERLAY)
                .sorted(java.util.Comparator.comparingInt(m -> m.path().length())).toList();
        if (overlays.isEmpty()) {
            return mounts;
        }
        List<Command.Mount> out = new ArrayList<>();
        List<Command.Mount> inside = new ArrayList<>();
        for (Command.Mount m : mounts) {
            if (m.kind() == Command.Mount.Kind.OVERLAY) {
                continue;
            }
            if (overlays.stream().noneMatch(o -> under(m.path(), o.path()))) {
                out.add(m);
                continue;
            }
            for (Command.Mount o : overlays) {
                if (under(m.hostDir(), o.path())) {
                    throw new floe.FloeException("'" + m.path() + "' is mounted from " + m.hostDir() + ", inside " + o.path()
                            + ", where the command's output artifacts are kept apart: mount it from a directory outside "
                            + o.path() + ", or give the artifact a path outside " + m.path());
                }
            }
            inside.add(m);
        }
        out.addAll(overlays);
        out.addAll(inside);
        return out;
    }

    /** Whether {@code path} is {@code dir} or lies inside it. */
    static boolean under(String path, String dir) {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return path.equals(dir) || (path + "/").startsWith(d);
    }

    List<String> wrap(Command command) {
        List<String> argv = new ArrayList<>(ProcessTies.beforeUnshare());
        argv.add("unshare");
        argv.addAll(ProcessTies.unshareOptions());
        argv.addAll(List.of("--mount", "--propagation", "private"));
        if (!root) {
            argv.add("--map-root-user");
        }
        // The working directory is entered after mounting: it may lie inside a mount.
        argv.addAll(List.of("--", "sh", "-c", SCRIPT, "floe-mount", command.workingDir() == null ? "." : command.workingDir()));
        for (Command.Mount m : ordered(command.mounts())) {
            argv.add(m.hostDir());
            argv.add(m.path());
            argv.add(m.kind() == Command.Mount.Kind.OVERLAY ? "overlay" : m.file() ? "file" : m.kind() == Command.Mount.Kind.READ_ONLY ? "ro" : "dir");
        }
        argv.add("--");
        argv.addAll(command.argv());
        return argv;
    }
}

package floe.exec;

import floe.model.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a command see host directories at its own paths, as a container sees its volumes: the
 * command runs in a private mount namespace ({@code unshare}, util-linux) where each directory (or
 * file) is bind-mounted at its path; nothing changes outside the namespace but the (empty) mount
 * points, which are created if missing. Needs root, or unprivileged user namespaces (then
 * {@code --map-root-user}). Paths travel as arguments, never inside the shell text.
 */
final class MountNamespace {
    /** The exit code of the wrapper when a mount fails (the command never ran). */
    static final int MOUNT_FAILED = 125;
    /** The exit code of the wrapper when the command cannot be found (the command never ran). */
    static final int NOT_FOUND = 127;

    private static final String SCRIPT = "wd=$1; shift; "
            + "while [ \"$1\" != -- ]; do "
            + "if [ \"$3\" = file ]; then mkdir -p \"$(dirname \"$2\")\" && { [ -e \"$2\" ] || : > \"$2\"; }; else mkdir -p \"$2\"; fi "
            + "&& mount --bind \"$1\" \"$2\" || exit 125; shift 3; done; shift; "
            + "cd \"$wd\" || exit 125; "
            + "command -v \"$1\" >/dev/null 2>&1 || { echo \"not found on PATH or not executable\" >&2; exit 127; }; exec \"$@\"";

    private final boolean root = "root".equals(System.getProperty("user.name"));

    List<String> wrap(Command command) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private"));
        if (!root) {
            argv.add("--map-root-user");
        }
        // The working directory is entered after mounting: it may lie inside a mount.
        argv.addAll(List.of("--", "sh", "-c", SCRIPT, "floe-mount", command.workingDir() == null ? "." : command.workingDir()));
        for (Command.Mount m : command.mounts()) {
            argv.add(m.hostDir());
            argv.add(m.path());
            argv.add(m.file() ? "file" : "dir");
        }
        argv.add("--");
        argv.addAll(command.argv());
        return argv;
    }
}

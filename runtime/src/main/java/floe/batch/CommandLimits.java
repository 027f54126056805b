package floe.batch;

import floe.SpecException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A job definition's {@code ulimits} and {@code user} as words put before its command:
 * {@code prlimit --NAME=SOFT:HARD ... --} (util-linux) and, when the service runs as root,
 * {@code setpriv --reuid=UID --regid=GID --init-groups --}. What this machine cannot do is refused
 * with the field's name, never dropped.
 */
final class CommandLimits {
    /** Docker's ulimit names (which Batch passes on) -> prlimit's options. */
    private static final Map<String, String> ULIMITS = Map.ofEntries(
            Map.entry("core", "--core"), Map.entry("cpu", "--cpu"), Map.entry("data", "--data"), Map.entry("fsize", "--fsize"),
            Map.entry("locks", "--locks"), Map.entry("memlock", "--memlock"), Map.entry("msgqueue", "--msgqueue"),
            Map.entry("nice", "--nice"), Map.entry("nofile", "--nofile"), Map.entry("nproc", "--nproc"), Map.entry("rss", "--rss"),
            Map.entry("rtprio", "--rtprio"), Map.entry("rttime", "--rttime"), Map.entry("sigpending", "--sigpending"),
            Map.entry("stack", "--stack"));

    private CommandLimits() {}

    static List<String> ulimits(List<BatchSpec.Ulimit> ulimits, String where) {
        if (ulimits == null || ulimits.isEmpty()) {
            return List.of();
        }
        List<String> words = new ArrayList<>(List.of("prlimit"));
        for (int i = 0; i < ulimits.size(); i++) {
            BatchSpec.Ulimit u = ulimits.get(i);
            String at = where + "[" + i + "]";
            String option = u.name() == null ? null : ULIMITS.get(u.name());
            if (option == null) {
                throw new SpecException(at + ".name: '" + u.name() + "' is not a ulimit (known: "
                        + String.join(", ", new java.util.TreeSet<>(ULIMITS.keySet())) + ")");
            }
            if (u.softLimit() == null || u.hardLimit() == null) {
                throw new SpecException(at + ": give both softLimit and hardLimit");
            }
            if (u.softLimit() < 0 || u.hardLimit() < 0 || u.softLimit() > u.hardLimit()) {
                throw new SpecException(at + ": softLimit " + u.softLimit() + " must be between 0 and hardLimit " + u.hardLimit());
            }
            words.add(option + "=" + u.softLimit() + ":" + u.hardLimit());
        }
        words.add("--");
        return words;
    }

    /**
     * {@code user} is {@code NAME}, {@code UID}, {@code NAME:GROUP} or {@code UID:GID}, as Docker's
     * {@code --user}. As root the command is started as that user; otherwise only the service's own
     * user can be asked for (nothing to change).
     */
    static List<String> user(String user, String where) {
        if (user == null || user.isEmpty()) {
            return List.of();
        }
        String userPart = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        String groupPart = user.contains(":") ? user.substring(user.indexOf(':') + 1) : null;
        String[] passwd = entry("passwd", userPart);
        String uid;
        if (userPart.matches("\\d+")) {
            uid = userPart;
        } else if (passwd != null) {
            uid = passwd[2];
        } else {
            throw new SpecException(where + ": no user '" + userPart + "' on this machine");
        }
        String gid;
        if (groupPart != null) {
            String[] group = groupPart.matches("\\d+") ? null : entry("group", groupPart);
            if (!groupPart.matches("\\d+") && group == null) {
                throw new SpecException(where + ": no group '" + groupPart + "' on this machine");
            }
            gid = groupPart.matches("\\d+") ? groupPart : group[2];
        } else if (passwd != null) {
            gid = passwd[3];
        } else {
            throw new SpecException(where + ": uid " + userPart + " has no entry on this machine: give UID:GID");
        }
        long self = selfUid();
        if (self != 0) {
            if (Long.parseLong(uid) == self && groupPart == null) {
                return List.of();
            }
            throw new SpecException(where + ": commands run as the service's own user (uid " + self + "); running them as '"
                    + user + "' needs the service to run as root");
        }
        List<String> words = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid));
        words.add(passwd != null ? "--init-groups" : "--clear-groups");
        words.add("--");
        return words;
    }

    private static long selfUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /** {@code getent DATABASE KEY}'s fields, or null when there is no such entry. */
    private static String[] entry(String database, String key) {
        try {
            Process p = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                return null;
            }
            String[] fields = out.split("\n")[0].split(":", -1);
            return fields.length >= 4 ? fields : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

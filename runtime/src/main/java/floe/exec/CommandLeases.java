package floe.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file per running command process in a directory of a long-lived service's own ({@code
 * DATA/commands/PID}, holding the process's boot and start time), removed when the process ends.
 * What a killed instance left there names the processes it may have left running: the next
 * instance kills those at its start ({@link #killLeftIn}), before it runs their jobs again. With
 * {@link ProcessTies} the kernel has already ended them; this covers a machine where neither a
 * PID namespace nor a parent-death signal works ({@code floe.exec.isolation=none}).
 */
public final class CommandLeases {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CommandLeases.class);
    private static volatile Path dir;

    private CommandLeases() {}

    /** From now on, every command process this JVM starts is recorded in {@code directory} while it runs. */
    public static void recordIn(Path directory) throws IOException {
        Files.createDirectories(directory);
        dir = directory;
    }

    /** Records {@code process} while it runs, if a directory was given. */
    static void record(Process process) {
        Path d = dir;
        if (d == null) {
            return;
        }
        long pid;
        try {
            pid = process.pid();
        } catch (UnsupportedOperationException e) {
            return; // ended at once, before its pid was known
        }
        String identity = identity(pid);
        if (identity == null) {
            return; // ended already, or no /proc (not Linux)
        }
        Path file = d.resolve(Long.toString(pid));
        try {
            Files.writeString(file, identity, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot record command process {} in {}: {}", pid, d, e.toString());
            return;
        }
        process.onExit().thenRun(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // left for the next start, which finds the process gone
            }
        });
    }

    /**
     * Kills every process recorded in {@code directory} that still runs as the same process
     * (same boot, same start time: not a later process that got its pid), with all it started,
     * and forgets them. Returns how many processes were killed.
     */
    public static int killLeftIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        List<ProcessHandle> killed = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                try {
                    long pid = Long.parseLong(file.getFileName().toString());
                    String recorded = Files.readString(file, StandardCharsets.UTF_8);
                    if (recorded.equals(identity(pid))) {
                        ProcessHandle.of(pid).ifPresent(p -> {
                            List<ProcessHandle> tree = new ArrayList<>();
                            tree.add(p);
                            p.descendants().forEach(tree::add);
                            tree.forEach(ProcessHandle::destroyForcibly); // the parent first: a shell would go on to its next command
                            killed.addAll(tree);
                        });
                    }
                } catch (NumberFormatException e) {
                    // not a record of this class
                    continue;
                }
                Files.deleteIfExists(file);
            }
        }
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : killed) {
            while (p.isAlive() && identity(p.pid()) != null && System.nanoTime() < until) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!killed.isEmpty()) {
            LOG.warn("killed {} command process(es) a previous instance left running: {}", killed.size(),
                    killed.stream().map(p -> Long.toString(p.pid())).toList());
        }
        return killed.size();
    }

    /** This boot's id and the start time of process {@code pid} (clock ticks since boot), or null when it does not run (or is a zombie). */
    private static String identity(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            String[] fields = stat.substring(end + 2).split(" ");
            if (fields[0].equals("Z")) {
                return null;
            }
            // After the name: state is field 3 of stat(5), start time field 22.
            return BOOT + " " + fields[22 - 3];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final String BOOT = boot();

    private static String boot() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            return "unknown-boot";
        }
    }
}

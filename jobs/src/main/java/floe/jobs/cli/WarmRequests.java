package floe.jobs.cli;

import floe.run.EmbeddedRunner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Commands that {@code bin/floe} hands to the warm local Flink's JVM instead of starting a JVM of
 * its own: {@code floe run}, {@code tree-merge} and {@code demo} then pay neither a JVM's start nor
 * its JIT warm-up, and run on this JVM's Flink as an embedded run does.
 *
 * <p>A request is a directory that the shell moves into {@code requests/} under the warm Flink's
 * directory (mode 0700: only its user can hand it work). It holds {@code args} and {@code env}
 * (NUL-separated {@code NAME=VALUE} entries), {@code cwd}, {@code client} (the shell's pid),
 * {@code terminal} ({@code 1} when its standard error is one) and two FIFOs, {@code out} and
 * {@code err}, that the shell copies to its own standard output and error. This JVM writes {@code
 * accepted} when it takes the request, runs the command line as {@link FloeCli} would (relative
 * paths resolve against {@code cwd}), writes the exit code to {@code rc} and then closes the FIFOs;
 * it removes the directory once the shell has ended. A shell that goes away (Ctrl-C, a kill) stops
 * its command: its workflow's job is cancelled.
 */
final class WarmRequests {
    private static final Logger LOG = LoggerFactory.getLogger(WarmRequests.class);
    static final String DIR = "requests";
    private static final long CLIENT_POLL_MILLIS = 100;

    private final Path requests;
    private final EmbeddedRunner flink;
    private final WatchService watcher;
    private final ExecutorService commands = Executors.newCachedThreadPool(daemon("floe-warm-command"));
    private final ScheduledExecutorService clients = Executors.newSingleThreadScheduledExecutor(daemon("floe-warm-clients"));
    private final Thread loop;

    private WarmRequests(Path requests, EmbeddedRunner flink, WatchService watcher) {
        this.requests = requests;
        this.flink = flink;
        this.watcher = watcher;
        this.loop = new Thread(this::watch, "floe-warm-requests");
        loop.setDaemon(true);
    }

    /** Takes requests from {@code warmDir}'s {@code requests/} and runs them on {@code flink}, for the rest of this JVM's life. */
    static void serve(Path warmDir, EmbeddedRunner flink) throws IOException {
        Path requests = Files.createDirectories(warmDir.resolve(DIR));
        WatchService watcher = requests.getFileSystem().newWatchService();
        requests.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        WarmRequests served = new WarmRequests(requests, flink, watcher);
        served.loop.start();
        served.offerAll(); // requests moved in before the watch began
    }

    private void offerAll() {
        try (var present = Files.list(requests)) {
            present.forEach(this::offer);
        } catch (IOException e) {
            LOG.warn("Could not list the requests in {}: {}", requests, e.toString());
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        offerAll(); // events were lost: look at every request there is
                    } else if (event.context() instanceof Path name) {
                        offer(requests.resolve(name));
                    }
                }
                key.reset();
            }
        } catch (InterruptedException e) {
            // the JVM is stopping
        }
    }

    /** Takes {@code dir} if it is a complete request no one took yet ({@code accepted} is made once). */
    private void offer(Path dir) {
        if (dir.getFileName().toString().startsWith(".") || !Files.isRegularFile(dir.resolve("client"))) {
            return;
        }
        long client;
        try {
            client = Long.parseLong(Files.readString(dir.resolve("client")).trim());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        if (!alive(client)) {
            delete(dir); // left by a shell that went away before anything took it
            return;
        }
        try {
            Files.createFile(dir.resolve("accepted"));
        } catch (IOException e) {
            return; // taken already, or gone
        }
        commands.execute(() -> run(dir, client));
    }

    /** Runs the request in {@code dir} of the shell {@code client}. */
    private void run(Path dir, long client) {
        List<String> args;
        Invocation invocation;
        try {
            args = nulSeparated(dir.resolve("args"));
            Map<String, String> env = new LinkedHashMap<>();
            for (String entry : nulSeparated(dir.resolve("env"))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            Files.delete(dir.resolve("env")); // it may hold credentials: on disk no longer than it takes to read it
            boolean terminal = Files.readString(dir.resolve("terminal")).trim().equals("1");
            invocation = Invocation.inWarmFlink(Path.of(Files.readString(dir.resolve("cwd")).strip()), env, terminal, flink);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Request {} is incomplete: {}", dir, e.toString());
            return;
        }
        ShellWatch shell = new ShellWatch(Thread.currentThread());
        ScheduledFuture<?> watchClient = clients.scheduleWithFixedDelay(() -> {
            if (!alive(client) && shell.stopCommand()) {
                LOG.info("The shell of request {} (pid {}) went away: stopping its command", dir.getFileName(), client);
                // A shell gone while this JVM still opens its FIFOs would leave the open waiting for a reader.
                unblock(dir.resolve("out"));
                unblock(dir.resolve("err"));
            }
        }, CLIENT_POLL_MILLIS, CLIENT_POLL_MILLIS, TimeUnit.MILLISECONDS);
        int rc = FloeCli.FAILED;
        try (PrintWriter out = fifo(dir.resolve("out")); PrintWriter err = fifo(dir.resolve("err"))) {
            LOG.info("Running request {} from {}: floe {}", dir.getFileName(), invocation.workingDir(), String.join(" ", args));
            try {
                String[] typed = args.toArray(String[]::new);
                rc = FloeCli.commandLine(invocation, typed).setOut(out).setErr(err).execute(typed);
            } catch (RuntimeException | Error e) {
                err.println("floe: " + e);
                LOG.error("Request {} failed", dir.getFileName(), e);
            }
            out.flush();
            err.flush();
            Path tmp = dir.resolve("rc.tmp");
            Files.writeString(tmp, rc + "\n");
            Files.move(tmp, dir.resolve("rc"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Request {}: {}", dir.getFileName(), e.toString());
        } finally {
            watchClient.cancel(false);
            shell.commandEnded();
        }
        LOG.info("Request {} ended with exit code {}", dir.getFileName(), rc);
        // Removed once the shell has read rc and ended (it starts no process to remove it itself).
        ProcessHandle.of(client).ifPresentOrElse(gone -> gone.onExit().thenRun(() -> delete(dir)), () -> delete(dir));
    }

    /**
     * The command's thread and whether its shell's going away still has to stop it: an interrupt
     * is delivered only while the command runs, so none reaches the next command on that thread.
     */
    private static final class ShellWatch {
        private final Thread command;
        private boolean ended;
        private boolean stopped;

        ShellWatch(Thread command) {
            this.command = command;
        }

        /** Interrupts the command once, if it still runs; true if it did. */
        synchronized boolean stopCommand() {
            if (ended || stopped) {
                return false;
            }
            stopped = true;
            command.interrupt();
            return true;
        }

        /** Called on the command's thread when it ended: no interrupt comes after, none is left pending. */
        synchronized void commandEnded() {
            ended = true;
            Thread.interrupted();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void delete(Path dir) {
        try {
            org.apache.flink.util.FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not remove request {}: {}", dir, e.toString());
        }
    }

    /** Opens the shell's FIFO for writing (it waits until the shell reads it). */
    private static PrintWriter fifo(Path file) throws IOException {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(file.toFile()), StandardCharsets.UTF_8), true);
    }

    /** Opens a FIFO for reading and closes it, so that an open for writing that waits for a reader returns. */
    private static void unblock(Path fifo) {
        try {
            new java.io.RandomAccessFile(fifo.toFile(), "rw").close();
        } catch (IOException e) {
            // gone: nothing waits on it
        }
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String all = Files.readString(file, StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>(List.of(all.split("\0", -1)));
        if (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        return parts;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

}

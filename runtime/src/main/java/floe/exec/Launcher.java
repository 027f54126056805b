package floe.exec;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts this JVM's commands from one long-lived process (a small Perl program, {@code
 * launcher.pl}) instead of three programs a command: the launcher is the first process of a PID
 * namespace of its own under a parent-death signal ({@code setpriv --pdeathsig KILL unshare --pid
 * --fork --kill-child}), so every command dies with this JVM whatever kills it, as with {@link
 * ProcessTies}' per-command namespace, while a command costs one fork and one exec, as from a shell.
 * Each command runs in a process group of its own: what it leaves there is killed when it ends, and a
 * kill reaches all of it. Used where {@link ProcessTies} would give a PID namespace to each command
 * (root) and {@code perl} is installed; {@code floe.exec.launcher=false} starts commands one by one.
 *
 * <p>Where this JVM can make the native calls ({@link Spawner}), it spawns the commands into the
 * launcher's namespace itself, copying nothing, and the launcher only keeps the namespace and
 * collects the orphans its commands leave; else the launcher forks and execs each.
 */
final class Launcher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Launcher.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final Object LOCK = new Object();
    /**
     * As many as cores: a launcher forks and waits for each child's exec one after another, which
     * keeps a core busy; the JVM's process starts were limited to as many at once before.
     */
    private static final Launcher[] CURRENT = new Launcher[Math.max(1, Runtime.getRuntime().availableProcessors())]; // guarded by LOCK
    private static final AtomicLong NEXT = new AtomicLong();
    private static boolean unusable; // guarded by LOCK
    /** Whether the launchers are ended when this JVM stops ({@link #endAll}). */
    private static boolean endedAtStop; // guarded by LOCK

    private final Process process;
    /** Starts this launcher's commands from this JVM, in its namespace; null: the launcher starts them. */
    private final Spawner spawner;
    private final OutputStream requests;
    private final Map<Long, LaunchedProcess> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean ended;
    /** The threads that read the launcher's standard output and error; set once it runs. */
    private Thread answers;
    private Thread errors;

    private Launcher(Process process, Spawner spawner) {
        this.process = process;
        this.spawner = spawner;
        this.requests = new java.io.BufferedOutputStream(process.getOutputStream());
    }

    /**
     * One of this JVM's launchers, started on first use on one of {@link CommandRunner#STARTER}'s
     * threads (which never end: the parent-death signal comes when the starting thread ends); null
     * where commands are started one by one.
     */
    static Launcher get() {
        int slot = (int) (NEXT.getAndIncrement() % CURRENT.length);
        synchronized (LOCK) {
            Launcher current = CURRENT[slot];
            if (current != null && !current.ended) {
                return current;
            }
            if (unusable) {
                return null;
            }
            if (!"false".equals(System.getProperty("floe.exec.launcher")) && ProcessTies.kind() == ProcessTies.Kind.PID_NAMESPACE
                    && ProcessTies.ROOT && ProcessTies.executable("perl", null) != null) {
                try {
                    CURRENT[slot] = start(CommandRunner.STARTER, !"false".equals(System.getProperty("floe.exec.spawn")));
                    if (!endedAtStop) {
                        OnJvmStop.run("floe-end-launchers", Launcher::endAll);
                        endedAtStop = true;
                    }
                    return CURRENT[slot];
                } catch (Exception e) {
                    LOG.warn("commands are started one by one: the launcher did not start: {}", e.toString());
                }
            }
            unusable = true;
            return null;
        }
    }

    /** A launcher started on {@code starter}'s thread; with {@code spawn}, its commands are spawned from this JVM where they can be. */
    static Launcher start(ExecutorService starter, boolean spawn) throws Exception {
        String script;
        try (var in = Launcher.class.getResourceAsStream("launcher.pl")) {
            // Without its comment lines: it goes on the command line.
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.stripLeading().startsWith("#"))
                    .collect(java.util.stream.Collectors.joining("\n"));
        }
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "unshare", "--pid", "--fork", "--kill-child", "--",
                "perl", "-e", script);
        Process process = starter.submit(pb::start).get();
        Launcher launcher = new Launcher(process, spawn ? spawner(process) : null);
        launcher.answers = new Thread(launcher::readAnswers, "floe-launcher-answers");
        launcher.answers.setDaemon(true);
        launcher.answers.start();
        launcher.errors = new Thread(launcher::logErrors, "floe-launcher-errors");
        launcher.errors.setDaemon(true);
        launcher.errors.start();
        LOG.info("commands start {} a launcher (pid {}), the first process of a PID namespace that dies with this JVM",
                launcher.spawner == null ? "from" : "in the namespace of", process.pid());
        return launcher;
    }

    /**
     * A {@link Spawner} into the namespace of the launcher {@code process} (its {@code unshare}) once
     * the launcher runs there; null when there is none.
     */
    private static Spawner spawner(Process process) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.isAlive() && System.nanoTime() < until) {
            // unshare forks the launcher once the namespace is made: the namespace is that child's.
            java.util.Optional<ProcessHandle> first = process.toHandle().children().findFirst();
            if (first.isPresent()) {
                try {
                    java.nio.file.Path ns = java.nio.file.Path.of("/proc", Long.toString(first.get().pid()), "ns", "pid");
                    if (!java.nio.file.Files.readSymbolicLink(ns).equals(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")))) {
                        try {
                            return Spawner.joining(first.get().pid());
                        } catch (LinkageError e) {
                            LOG.info("the launcher starts commands itself: native calls cannot be made here ({})", e.toString());
                            return null;
                        }
                    }
                } catch (IOException e) {
                    LOG.info("the launcher starts commands itself: its namespace cannot be read ({})", e.toString());
                    return null;
                }
            }
            Thread.sleep(1);
        }
        return null;
    }

    /**
     * Starts {@code file} with {@code argv} ({@code argv[0]} as given), {@code env} over this JVM's
     * environment, in {@code dir} (null: this JVM's), standard input empty, standard output and error
     * to the files given (after what they hold, with {@code append}). Returns once it runs; an
     * {@link IOException} when it could not start. Interrupted meanwhile, it leaves nothing running.
     */
    Process start(String file, List<String> argv, Map<String, String> env, String dir, File out, File err, boolean append)
            throws IOException, InterruptedException {
        if (spawner != null) {
            return spawn(file, argv, env, dir, out, err, append);
        }
        LaunchedProcess p = new LaunchedProcess(this, ids.incrementAndGet());
        StringBuilder line = new StringBuilder(256).append("s ").append(p.id).append(append ? " 1 " : " 0 ")
                .append(dir == null ? "-" : hex(dir)).append(' ').append(hex(out.getPath())).append(' ').append(hex(err.getPath()))
                .append(' ').append(env.size());
        env.forEach((name, value) -> line.append(' ').append(hex(name + "=" + value)));
        line.append(' ').append(hex(file));
        argv.forEach(a -> line.append(' ').append(hex(a)));
        running.put(p.id, p);
        try {
            send(line.append('\n').toString());
        } catch (IOException e) {
            running.remove(p.id);
            throw e;
        }
        try {
            p.started.get();
            return p;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            throw killed(p, e);
        }
    }

    private Process spawn(String file, List<String> argv, Map<String, String> env, String dir, File out, File err, boolean append)
            throws IOException, InterruptedException {
        if (ended) {
            throw new Gone();
        }
        Process p;
        try {
            p = spawner.start(file, argv, env, dir, out, err, append);
        } catch (Gone e) {
            // Its namespace is gone: the next command gets another launcher at once, not this one
            // again until the thread reading it sees the end.
            ended = true;
            throw e;
        }
        if (Thread.interrupted()) {
            throw killed(p, new InterruptedException());
        }
        return p;
    }

    /** {@code interrupted}, once {@code p}, started meanwhile, is killed (waited for up to 5 s). */
    private static InterruptedException killed(Process p, InterruptedException interrupted) {
        p.destroyForcibly();
        boolean gone = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!gone && System.nanoTime() < until) {
            try {
                gone = p.waitFor(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException again) {
                // the first interrupt is the one thrown
            }
        }
        return interrupted;
    }

    /**
     * Ends this JVM's launchers as it stops, and with them the commands they still run (the
     * stopping JVM kills every command it started, {@link CommandRunner}'s hook with SIGKILL; daemons
     * and sidecars, which are stopped with a grace period, never run from a launcher). Without it
     * the threads reading their output, and the JDK's waiting for their process, sit in native
     * calls, and a JVM waits 300 ms at exit for threads in native calls to come back.
     */
    private static void endAll() {
        List<Launcher> launchers = new java.util.ArrayList<>();
        synchronized (LOCK) {
            for (Launcher l : CURRENT) {
                if (l != null) {
                    launchers.add(l);
                }
            }
        }
        end(launchers);
    }

    /**
     * Ends {@code launchers}: each kills what it runs and exits at the end of its requests (killed
     * if it has not within 0.5 s); returns once they and the threads reading them have ended.
     */
    static void end(List<Launcher> launchers) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        launchers.forEach(Launcher::closeRequests);
        try {
            for (Launcher l : launchers) {
                if (!l.process.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    l.process.destroyForcibly();
                }
                for (Thread reader : l.readers()) {
                    reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The threads reading the launcher's standard output and error. */
    List<Thread> readers() {
        return List.of(answers, errors);
    }

    private void closeRequests() {
        synchronized (requests) {
            ended = true;
            try {
                requests.close();
            } catch (IOException e) {
                // it has ended already
            }
        }
    }

    /** Whether this JVM spawns the commands in the launcher's namespace (else the launcher starts them). */
    boolean spawns() {
        return spawner != null;
    }

    /** The launcher's own process (its {@code unshare}). */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Sends {@code signal} to the process group of {@code p}, if it still runs. */
    void signal(LaunchedProcess p, int signal) {
        if (!p.isAlive()) {
            return;
        }
        try {
            send("k " + p.id + " " + signal + "\n");
        } catch (IOException e) {
            // the launcher is gone, and its namespace with it
        }
    }

    /** The launcher ended (killed, or its JVM is stopping): nothing it was asked for ran. */
    static final class Gone extends IOException {
        Gone() {
            super("the command launcher has ended");
        }
    }

    private void send(String line) throws IOException {
        synchronized (requests) {
            if (ended) {
                throw new Gone();
            }
            try {
                requests.write(line.getBytes(StandardCharsets.US_ASCII));
                requests.flush();
            } catch (IOException e) {
                throw new Gone(); // its end of the pipe is closed: it died before its answers say so
            }
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = in.readLine()) != null;) {
                String[] f = line.split(" ");
                if (f.length != 3) {
                    LOG.warn("command launcher: unexpected answer '{}'", line);
                    continue;
                }
                LaunchedProcess p = running.get(Long.parseLong(f[1]));
                if (p == null) {
                    continue;
                }
                switch (f[0]) {
                    case "s" -> p.startedAs(Long.parseLong(f[2]));
                    case "f" -> p.couldNotStart(new String(HEX.parseHex(f[2]), StandardCharsets.UTF_8));
                    case "e" -> {
                        running.remove(p.id);
                        p.exited(Integer.parseInt(f[2]));
                    }
                    default -> LOG.warn("command launcher: unexpected answer '{}'", line);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("command launcher: {}", e.toString());
        }
        synchronized (requests) {
            ended = true;
        }
        if (!OnJvmStop.inProgress()) {
            LOG.warn("the command launcher ended (exit {}); the commands it ran were killed with it", exitOf(process));
        }
        running.values().forEach(p -> {
            p.couldNotStart(new Gone());
            p.exited(128 + 9);
        });
        running.clear();
    }

    private static String exitOf(Process p) {
        try {
            return p.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void logErrors() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                LOG.warn("command launcher: {}", line);
            }
        } catch (IOException e) {
            // ended
        }
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}

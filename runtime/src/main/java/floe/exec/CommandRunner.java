package floe.exec;

import floe.SpecException;
import floe.model.Command;
import floe.model.TaskContext;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one attempt of a command task as a real process (or, for a command with an action, does
 * the action: an HTTP request, {@link HttpCalls}; a wait, {@link Suspensions}): argv as given, the task's environment
 * on top of the TaskManager's, stdout and stderr to a log file per task and attempt (made only
 * when the task printed something there). The exit code decides; the tail of stdout becomes the task's {@code result} output. An interrupted
 * attempt (timeout, cancellation) takes its whole process tree down with it. Its init commands run
 * first, one after another ({@code task-N.attempt-M.init-NAME.*}); its sidecars start before it
 * ({@code .sidecar-NAME.*}) and are stopped once it ended.
 */
final class CommandRunner {
    /** How much of stdout a completion carries as {@code result}; the log file has all of it. */
    static final int RESULT_BYTES = 64 * 1024;
    private static final int ERROR_TAIL_BYTES = 2 * 1024;
    /** Standard input of every command: empty, as a container's is. */
    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    /**
     * The threads that start this JVM's processes, as many as cores: starting one is CPU work in
     * this JVM (vfork, closing inherited descriptors, exec); more at once than cores only contend:
     * 2,000 {@code true} from 128 threads took 13 s without a limit and 6 s with it, as from 2
     * threads (2 cores). The processes themselves run side by side. The threads never end: a
     * process's parent-death signal ({@link ProcessTies}) comes when the thread that started it
     * ends, which must be the JVM's end only.
     */
    static final java.util.concurrent.ExecutorService STARTER = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), new java.util.concurrent.ThreadFactory() {
                private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "floe-command-start-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });

    /** How long a killed process tree is given to be gone. */
    private static final long KILL_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    /** How long a sidecar is given to stop on SIGTERM once the main command ended, before it is killed. */
    private static final long SIDECAR_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final Path logDir;
    /** The address other tasks reach a daemon of this runner at. */
    private final String host;
    private final MountNamespace mounts;
    private volatile Path createdDir; // tasks running at once share the runner
    private final String scratchId = java.util.UUID.randomUUID().toString();
    private final java.util.Set<File> scratchFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The commands running now: a JVM that stops (Ctrl-C, SIGTERM) takes them down with it. */
    private final java.util.Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Without this, the processes of a JVM stopped by Ctrl-C or SIGTERM would run on, orphaned,
     * writing their outputs while a rerun writes the same files.
     */
    private final OnJvmStop killOnStop = OnJvmStop.run("floe-stop-commands", () -> destroyTrees(live));

    CommandRunner(Path logDir) {
        this(logDir, Daemons.LOCAL);
    }

    CommandRunner(Path logDir, String host) {
        this.logDir = logDir;
        this.host = host;
        this.mounts = new MountNamespace();
    }

    void run(Command command, TaskContext ctx) throws Exception {
        command = withoutInPlaceMounts(command);
        Path dir = logDir.resolve(ctx.workflow()).resolve(ctx.stage());
        if (!dir.equals(createdDir)) {
            PrivateDirs.create(dir);
            createdDir = dir;
        }
        String name = logName(ctx.index(), ctx.attempt());
        if (command.locks().isEmpty()) {
            runStaged(command, ctx, dir, name);
            return;
        }
        // Argo's synchronization: the locks are taken before anything of the attempt runs.
        try (Locks.Held held = Locks.take(command.locks(), lock -> org.slf4j.LoggerFactory.getLogger(CommandRunner.class).info(
                "stage '{}' task {}: waiting for lock '{}' ({} at once)", ctx.stage(), ctx.index(), lock.name(), lock.permits()))) {
            runStaged(command, ctx, dir, name);
        }
    }

    /** {@code command} (and its init commands, sidecars and the other containers of its set) without the mounts already at their paths. */
    private static Command withoutInPlaceMounts(Command command) {
        // A volume already at its mount path (a Kubernetes pod mounts it there) needs no namespace.
        List<Command.Mount> needed = command.mounts().stream()
                .filter(m -> !Path.of(m.hostDir()).normalize().equals(Path.of(m.path()).normalize())).toList();
        Command out = needed.size() == command.mounts().size() ? command : command.withMounts(needed);
        if (!command.init().isEmpty() || !command.sidecars().isEmpty()) {
            out = out.withInit(command.init().stream().map(h -> new Command.Helper(h.name(), withoutInPlaceMounts(h.command()))).toList())
                    .withSidecars(command.sidecars().stream().map(h -> new Command.Helper(h.name(), withoutInPlaceMounts(h.command()))).toList());
        }
        Command.ContainerSet set = command.containerSet();
        if (set != null) {
            out = out.withContainerSet(new Command.ContainerSet(set.main(), set.containers().stream()
                    .map(m -> new Command.Member(m.name(), m.dependencies(), withoutInPlaceMounts(m.command()))).toList(),
                    set.retries(), set.retryDelayMillis()));
        }
        return out;
    }

    /**
     * Removes what resolving {@code command} made for one attempt on this machine, run or skipped:
     * the staging directories of its artifacts ({@code floe-artifact-*}) and the files its output
     * parameters were read from ({@code floe-outputs-*}). Files the command was given are kept.
     */
    static void cleanUp(Command command) {
        ArtifactTransfer.cleanUp(command);
        for (Command.OutputFile o : command.outputFiles()) {
            Path file = Path.of(o.hostPath());
            Path dir = file.getParent();
            if (dir == null || !dir.getFileName().toString().startsWith(Command.OutputFile.SCRATCH_DIR_PREFIX)) {
                continue;
            }
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // another output's file is still there (deleted in its turn), or a leftover temporary file
            }
        }
    }

    /**
     * Where a process writes before its output is known: a file pair of this runner's, truncated for
     * each task. Making two new files for every task costs more than a short command itself
     * (about 0.5 ms on 2 cores), so a task gets log files only for what it printed.
     */
    private File scratch(Path dir, String stream) {
        // Per thread: an attempt abandoned after its timeout may still be saving its output while
        // the next attempt runs, on another thread.
        File file = dir.resolve(".running-" + scratchId + "-" + Thread.currentThread().getId() + "." + stream).toFile();
        scratchFiles.add(file);
        return file;
    }

    /** {@code task-00042.attempt-1}: the name of an attempt's log files (without String.format, which costs more than a short command's bookkeeping). */
    static String logName(int index, int attempt) {
        String digits = Integer.toString(index);
        StringBuilder name = new StringBuilder(32).append("task-");
        for (int i = digits.length(); i < 5; i++) {
            name.append('0');
        }
        return name.append(digits).append(".attempt-").append(attempt).toString();
    }

    /** Keeps what the task printed on {@code stream} as its log file; nothing printed, no file. */
    private static File keep(File scratch, File log) throws IOException {
        if (scratch.length() == 0) {
            return scratch;
        }
        Files.move(scratch.toPath(), log.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return log;
    }

    /** Removes this runner's scratch files. */
    void close() {
        scratchFiles.forEach(File::delete);
        scratchFiles.clear();
        killOnStop.close();
    }

    private void runStaged(Command command, TaskContext ctx, Path dir, String name) throws Exception {
        if (command.action() instanceof floe.model.HttpRequest request) {
            HttpCalls.run(request, ctx, dir, name);
            return;
        }
        if (command.action() instanceof floe.model.Suspension suspension) {
            Suspensions.await(suspension, ctx);
            return;
        }
        if (command.action() instanceof floe.model.DataListing listing) {
            DataListings.run(listing, ctx, dir, name);
            return;
        }
        List<Command.Mount> inputs = ArtifactTransfer.download(command.artifacts());
        if (!inputs.isEmpty()) {
            List<Command.Mount> all = new ArrayList<>(command.mounts());
            all.addAll(inputs);
            command = command.withMounts(all);
        }
        for (Command.Helper init : command.init()) {
            runInit(init, ctx, dir, name);
        }
        if (command.daemon() != null) {
            runDaemon(command, ctx, dir, name);
            return;
        }
        File outLog = dir.resolve(name + ".out").toFile();
        File errLog = dir.resolve(name + ".err").toFile();
        List<Sidecar> sidecars = new ArrayList<>();
        int exit;
        boolean ended = false;
        try {
            for (Command.Helper sidecar : command.sidecars()) {
                sidecars.add(startSidecar(sidecar, ctx, dir, name));
            }
            exit = command.containerSet() != null ? runSet(command, ctx, dir, name, outLog, errLog)
                    : await(launch(command, null, ctx, scratch(dir, "out"), scratch(dir, "err"), false), dir, outLog, errLog);
            ended = true;
        } finally {
            stop(sidecars, ended);
        }
        File out = keep(scratch(dir, "out"), outLog);
        File err = keep(scratch(dir, "err"), errLog);
        ctx.exitCode(exit);
        failIfNotZero(command, null, exit, ctx, err, errLog);
        ctx.result(out == outLog ? tail(out, RESULT_BYTES).strip() : ""); // not kept: nothing printed
        for (Command.OutputFile o : command.outputFiles()) {
            Path file = Path.of(o.hostPath());
            // The output's file exists from the start (it is mounted); an empty one was not written.
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                ctx.outputParameter(o.name(), tail(file.toFile(), RESULT_BYTES).strip());
            } else if (o.defaultValue() != null) {
                ctx.outputParameter(o.name(), o.defaultValue());
            } else {
                throw new floe.FloeException("stage '" + ctx.stage() + "' task " + ctx.index() + ": output parameter '" + o.name()
                        + "' was not written (give valueFrom.default to make it optional)");
            }
        }
        ArtifactTransfer.upload(command.artifacts(), ctx);
    }

    /**
     * Starts a daemon and waits until its probe finds it ready: then the attempt succeeds with the
     * process left running, kept by {@link Daemons} under its scope, and this machine's address as
     * the task's {@code ip}. A daemon that exits first ended as any command does (its exit code
     * decides); one interrupted before it is ready (a timeout, a cancellation) is killed. Its log
     * files are written as it runs.
     */
    private void runDaemon(Command command, TaskContext ctx, Path dir, String name) throws Exception {
        File out = dir.resolve(name + ".out").toFile();
        File err = dir.resolve(name + ".err").toFile();
        Process process = start(command, null, ctx, out, err);
        boolean kept = false;
        try {
            if (Probes.awaitReady(process, command.daemon().probe(), probe -> runProbe(command, probe, ctx))) {
                // What its attempt staged (artifacts, output files) stays until it is gone: it may still read or write there.
                Command staged = command;
                Daemons.keep(ctx.run(), command.daemon().scope(), process, () -> cleanUp(staged));
                kept = true;
                ctx.ip(host);
                org.slf4j.LoggerFactory.getLogger(CommandRunner.class).info("stage '{}' task {}: daemon ready (pid {}), kept till {} ends",
                        ctx.stage(), ctx.index(), process.pid(), command.daemon().scope());
                return;
            }
            int exit = process.waitFor();
            ctx.exitCode(exit);
            failIfNotZero(command, null, exit, ctx, err, err);
            ctx.result(tail(out, RESULT_BYTES).strip());
        } finally {
            live.remove(process);
            if (!kept) {
                destroyTree(process);
            }
        }
    }

    /** Runs an exec probe's argv as a command of the daemon's (its env, mounts, working directory); its exit code, -1 past its timeout. */
    private int runProbe(Command daemon, Command.Probe probe, TaskContext ctx) throws Exception {
        Command check = new Command(probe.exec(), daemon.env(), daemon.workingDir(), daemon.image(), daemon.mounts());
        File discard = new File("/dev/null");
        Process process = start(check, "readiness probe", ctx, discard, discard);
        try {
            if (process.waitFor(probe.timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            return -1;
        } finally {
            live.remove(process);
            if (process.isAlive()) {
                destroyTree(process);
            }
        }
    }

    /**
     * Runs a container set in {@code command}'s place: each container once all it depends on exited
     * 0, side by side otherwise, on this thread (the processes run on their own). The main container
     * writes to the task's own log files (through the scratch files, as a lone command does), the
     * others to {@code .container-NAME.*}; a rerun appends. Returns 0 once all exited 0; a failure
     * is thrown once nothing of the set runs any more; an interrupt kills what runs.
     */
    private int runSet(Command command, TaskContext ctx, Path dir, String name, File outLog, File errLog) throws Exception {
        Command.ContainerSet set = command.containerSet();
        Map<String, Process> running = new java.util.LinkedHashMap<>();
        Map<String, Integer> runs = new java.util.HashMap<>();
        Map<String, Long> rerunAt = new java.util.HashMap<>();
        java.util.Set<String> succeeded = new java.util.HashSet<>();
        java.util.Set<String> over = new java.util.HashSet<>(); // failed for good, or never to run
        Exception failure = null;
        try {
            while (true) {
                long now = System.nanoTime();
                for (Command.Member m : set.containers()) {
                    String c = m.name();
                    if (running.containsKey(c) || succeeded.contains(c) || over.contains(c)) {
                        continue;
                    }
                    if (m.dependencies().stream().anyMatch(over::contains)) {
                        over.add(c); // a container it waits for failed: Argo never starts it
                    } else if (succeeded.containsAll(m.dependencies()) && rerunAt.getOrDefault(c, now) - now <= 0) {
                        int run = runs.merge(c, 1, Integer::sum);
                        boolean main = c.equals(set.main());
                        Command what = main ? command : m.command();
                        running.put(c, launch(what, "container '" + c + "'", ctx, main ? scratch(dir, "out") : member(dir, name, c, "out"),
                                main ? scratch(dir, "err") : member(dir, name, c, "err"), run > 1));
                        rerunAt.remove(c);
                    }
                }
                if (running.isEmpty() && rerunAt.isEmpty()) {
                    break;
                }
                long wait = rerunAt.values().stream().mapToLong(at -> at - System.nanoTime()).min().orElse(Long.MAX_VALUE);
                if (!running.isEmpty()) {
                    try {
                        java.util.concurrent.CompletableFuture.anyOf(running.values().stream().map(Process::onExit)
                                .toArray(java.util.concurrent.CompletableFuture[]::new)).get(Math.max(1, wait), java.util.concurrent.TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // a rerun is due
                    }
                } else {
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(1, wait));
                }
                for (java.util.Iterator<Map.Entry<String, Process>> it = running.entrySet().iterator(); it.hasNext();) {
                    Map.Entry<String, Process> e = it.next();
                    if (e.getValue().isAlive()) {
                        continue;
                    }
                    it.remove();
                    live.remove(e.getValue());
                    String c = e.getKey();
                    int exit = e.getValue().exitValue();
                    if (exit == 0) {
                        succeeded.add(c);
                    } else if (runs.get(c) <= set.retries() && exit != MountNamespace.NOT_FOUND && exit != MountNamespace.MOUNT_FAILED) {
                        LOG_SET.warn("stage '{}' task {}: container '{}' exited with code {}, running it again ({} of {})", ctx.stage(),
                                ctx.index(), c, exit, runs.get(c), set.retries());
                        rerunAt.put(c, System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(set.retryDelayMillis()));
                    } else {
                        over.add(c);
                        if (failure == null) {
                            failure = setFailure(set, c, command, exit, ctx, dir, name, outLog, errLog);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            running.values().forEach(CommandRunner::destroyTree);
            running.values().forEach(live::remove);
            keep(scratch(dir, "out"), outLog);
            keep(scratch(dir, "err"), errLog);
            throw e;
        } finally {
            for (Command.Member m : set.containers()) {
                for (String stream : List.of("out", "err")) {
                    File f = member(dir, name, m.name(), stream);
                    if (f.exists() && f.length() == 0) {
                        f.delete();
                    }
                }
            }
        }
        if (failure != null) {
            keep(scratch(dir, "out"), outLog); // the main container's output, whichever failed
            keep(scratch(dir, "err"), errLog);
            throw failure;
        }
        return 0;
    }

    private static final org.slf4j.Logger LOG_SET = org.slf4j.LoggerFactory.getLogger(CommandRunner.class);

    /** The log file of container {@code container} of a set, other than the main one. */
    private static File member(Path dir, String name, String container, String stream) {
        return dir.resolve(name + ".container-" + container + "." + stream).toFile();
    }

    /** The failure of container {@code c} of a set, exited with {@code exit}, naming it. */
    private Exception setFailure(Command.ContainerSet set, String c, Command main, int exit, TaskContext ctx, Path dir, String name,
            File outLog, File errLog) throws IOException {
        Command what = c.equals(set.main()) ? main
                : set.containers().stream().filter(m -> m.name().equals(c)).findFirst().orElseThrow().command();
        File err;
        File log;
        if (c.equals(set.main())) {
            keep(scratch(dir, "out"), outLog);
            err = keep(scratch(dir, "err"), errLog);
            log = errLog;
        } else {
            err = member(dir, name, c, "err");
            log = err;
        }
        try {
            failIfNotZero(what, "container '" + c + "'", exit, ctx, err, log);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** Runs an init command to its end, its output to its own log files; anything but exit 0 fails the attempt, naming it. */
    private void runInit(Command.Helper init, TaskContext ctx, Path dir, String name) throws Exception {
        String what = "init container '" + init.name() + "'";
        File outLog = dir.resolve(name + ".init-" + init.name() + ".out").toFile();
        File errLog = dir.resolve(name + ".init-" + init.name() + ".err").toFile();
        int exit = await(launch(init.command(), what, ctx, scratch(dir, "out"), scratch(dir, "err"), false), dir, outLog, errLog);
        keep(scratch(dir, "out"), outLog);
        File err = keep(scratch(dir, "err"), errLog);
        failIfNotZero(init.command(), what, exit, ctx, err, errLog);
    }

    /** A running sidecar and its log files, written to as it runs (it runs beside the main command, on no thread of its own). */
    private record Sidecar(Process process, File out, File err) {}

    private Sidecar startSidecar(Command.Helper sidecar, TaskContext ctx, Path dir, String name) throws Exception {
        File out = dir.resolve(name + ".sidecar-" + sidecar.name() + ".out").toFile();
        File err = dir.resolve(name + ".sidecar-" + sidecar.name() + ".err").toFile();
        return new Sidecar(start(sidecar.command(), "sidecar '" + sidecar.name() + "'", ctx, out, err), out, err);
    }

    /**
     * Ends the sidecars once the main command ended, as Argo does: each process tree is asked to
     * stop (SIGTERM) and killed if still there after {@link #SIDECAR_GRACE_NANOS}; at once when the
     * attempt was interrupted (a timeout, a cancellation), which must leave nothing running. A
     * sidecar's exit code does not count. Log files it left empty are removed.
     */
    private void stop(List<Sidecar> sidecars, boolean gently) {
        stopTrees(sidecars.stream().map(Sidecar::process).toList(), gently ? SIDECAR_GRACE_NANOS : 0);
        for (Sidecar s : sidecars) {
            live.remove(s.process());
            for (File f : List.of(s.out(), s.err())) {
                if (f.length() == 0) {
                    f.delete();
                }
            }
        }
    }

    /**
     * Stops each process tree: SIGTERM, and SIGKILL to what is left after {@code graceNanos} (at once
     * when 0); then waits a moment for them to be gone.
     */
    static void stopTrees(List<Process> processes, long graceNanos) {
        List<ProcessHandle> trees = new ArrayList<>();
        for (Process p : processes) {
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(p.toHandle());
            p.descendants().forEach(tree::add);
            if (graceNanos > 0) {
                if (inPidNamespace(p)) {
                    // As a container's: SIGTERM goes to the namespace's first process, the command,
                    // which, as a PID 1, ends on it only if it handles it.
                    p.children().forEach(ProcessHandle::destroy);
                } else {
                    tree.forEach(ProcessHandle::destroy);
                }
            }
            trees.addAll(tree);
        }
        if (graceNanos > 0) {
            awaitGone(trees, graceNanos);
        }
        List<ProcessHandle> killed = new ArrayList<>(trees);
        trees.forEach(p -> p.descendants().forEach(killed::add)); // started while it was asked to stop
        killed.forEach(ProcessHandle::destroyForcibly);
        awaitGone(killed, KILL_WAIT_NANOS);
    }

    /** Whether {@code p} is the {@code unshare} that keeps a PID namespace ({@link ProcessTies}): its child is the command. */
    private static boolean inPidNamespace(Process p) {
        return p.info().arguments().map(args -> java.util.Arrays.asList(args).contains("--kill-child")).orElse(false);
    }

    /**
     * Starts {@code command} writing to {@code out} and {@code err}; {@code container} names it when
     * it is not the task's main command. A program that cannot start is a {@link CommandNotFoundException}.
     */
    private Process start(Command command, String container, TaskContext ctx, File out, File err) throws Exception {
        return start(command, container, ctx, out, err, false);
    }

    /**
     * As {@link #start(Command, String, TaskContext, File, File, boolean)}, from this JVM's {@link Launcher}
     * where there is one and the command needs nothing it does not do (volumes, a pruned environment):
     * for a command that runs to its end, not for a sidecar, a daemon or a probe, which, as a
     * container's first process, a SIGTERM stops only if it handles it.
     */
    private Process launch(Command command, String container, TaskContext ctx, File out, File err, boolean append) throws Exception {
        Launcher launcher = command.mounts().isEmpty() && command.inheritEnv() == null ? Launcher.get() : null;
        String file = launcher == null ? null : ProcessTies.executable(command.argv().get(0), command.workingDir());
        if (file == null || (command.workingDir() != null && !new File(command.workingDir()).isDirectory())) {
            return start(command, container, ctx, out, err, append); // the JDK says why it cannot start, if it cannot
        }
        Process process;
        try {
            process = launcher.start(file, command.argv(), command.env(), command.workingDir(), out, err, append);
        } catch (Launcher.Gone e) {
            return start(command, container, ctx, out, err, append); // the next command gets a new launcher
        } catch (IOException e) {
            throw new CommandNotFoundException(ctx.stage(), container, command.argv().get(0), command.workingDir(), e);
        }
        live.add(process);
        CommandLeases.record(process);
        return process;
    }

    /** As {@link #start(Command, String, TaskContext, File, File)}; with {@code append}, after what the files hold. */
    private Process start(Command command, String container, TaskContext ctx, File out, File err, boolean append) throws Exception {
        List<String> argv;
        if (command.mounts().isEmpty()) {
            argv = new ArrayList<>(ProcessTies.prefix(command.argv(), command.workingDir()));
            argv.addAll(command.argv());
        } else {
            argv = mounts.wrap(command);
        }
        // A container's standard input is empty: a program reading it sees its end at once.
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(NO_INPUT)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(out) : ProcessBuilder.Redirect.to(out))
                .redirectError(append ? ProcessBuilder.Redirect.appendTo(err) : ProcessBuilder.Redirect.to(err));
        if (command.inheritEnv() != null) {
            pb.environment().keySet().retainAll(command.inheritEnv());
        }
        pb.environment().putAll(command.env());
        if (command.workingDir() != null && command.mounts().isEmpty()) {
            pb.directory(new File(command.workingDir()));
        }
        Process process = startOnStarter(pb, command, container, ctx);
        live.add(process);
        CommandLeases.record(process);
        return process;
    }

    /** {@code pb.start()} on one of the {@link #STARTER} threads; an interrupt meanwhile leaves nothing running. */
    private static Process startOnStarter(ProcessBuilder pb, Command command, String container, TaskContext ctx) throws Exception {
        java.util.concurrent.Future<Process> started = STARTER.submit(pb::start);
        try {
            return started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new CommandNotFoundException(ctx.stage(), container, command.argv().get(0), command.workingDir(), io);
            }
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (InterruptedException e) {
            if (!started.cancel(false)) {
                // Started, or being started: it must not run on unwatched.
                try {
                    destroyTree(awaitUninterruptibly(started));
                } catch (java.util.concurrent.ExecutionException failed) {
                    // it did not start
                }
                Thread.interrupted(); // told by the exception thrown
            }
            throw e;
        }
    }

    private static Process awaitUninterruptibly(java.util.concurrent.Future<Process> f) throws java.util.concurrent.ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
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

    /** Waits for {@code process} to exit; interrupted, kills its tree and keeps what it printed in the log files. */
    private int await(Process process, Path dir, File outLog, File errLog) throws Exception {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            destroyTree(process);
            keep(scratch(dir, "out"), outLog);
            keep(scratch(dir, "err"), errLog);
            throw e;
        } finally {
            live.remove(process);
        }
    }

    private static void failIfNotZero(Command command, String container, int exit, TaskContext ctx, File err, File errLog)
            throws IOException {
        String stage = "stage '" + ctx.stage() + "'" + (container == null ? "" : ", " + container);
        if (exit == MountNamespace.MOUNT_FAILED && !command.mounts().isEmpty()) {
            throw new SpecException(stage + ": could not mount the task's volumes: " + tail(err, ERROR_TAIL_BYTES));
        }
        if (exit == MountNamespace.NOT_FOUND && !command.mounts().isEmpty()) {
            throw new CommandNotFoundException(ctx.stage(), container, command.argv().get(0), command.workingDir(),
                    new IOException(tail(err, ERROR_TAIL_BYTES).strip()));
        }
        if (exit != 0) {
            throw new CommandFailedException(container, command.argv(), exit, tail(err, ERROR_TAIL_BYTES), errLog.getPath());
        }
    }

    /**
     * Kills the process, then every process it had started. The parent goes first: a shell whose
     * child died first would go on to its next command ({@code sleep 60; touch done}). Then waits
     * a moment for them to be gone, so that whoever stopped the task (a failed or cancelled
     * subtask) finds nothing of it running.
     */
    private static void destroyTree(Process process) {
        awaitGone(kill(process));
    }

    /** Kills every process in {@code processes} and its tree, then waits a moment for all of them to be gone. */
    private static void destroyTrees(java.util.Collection<Process> processes) {
        List<ProcessHandle> killed = new ArrayList<>();
        processes.forEach(p -> killed.addAll(kill(p)));
        awaitGone(killed);
    }

    private static List<ProcessHandle> kill(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        if (process instanceof LaunchedProcess launched) {
            launched.handle().ifPresent(h -> tree.add(0, h));
        } else {
            tree.add(0, process.toHandle());
        }
        return tree;
    }

    private static void awaitGone(List<ProcessHandle> killed) {
        awaitGone(killed, KILL_WAIT_NANOS);
    }

    /**
     * Waits up to {@code nanos} for every process in {@code killed} to be gone. Polled: the JDK learns
     * of the end of a process that is not this JVM's child (a command's own children) only about
     * 2 s late, which a task stopping its sidecars would wait out each time.
     */
    private static void awaitGone(List<ProcessHandle> killed, long nanos) {
        long until = System.nanoTime() + nanos;
        // A kill comes with an interrupt (a timeout, a cancellation): the wait for the killed still
        // ends only when they are gone or the time is up, and the interrupt is kept for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            for (ProcessHandle p : killed) {
                while (running(p)) {
                    if (System.nanoTime() > until) {
                        return; // killed and not gone yet (stuck in the kernel): waiting longer would not help
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether {@code p} still runs. A zombie does not: it has ended and waits for its parent to
     * collect its exit status, which for an orphan is init's to do, on some machines a second or
     * two late (the JDK counts it alive till then).
     */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            int end = stat.lastIndexOf(')'); // the state follows the command's name, which may hold anything
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            // Gone meanwhile (the JDK would tell a process that is not this JVM's child about 2 s
            // late), or no /proc at all (not Linux).
            return !Files.isDirectory(Path.of("/proc/self")) && p.isAlive();
        }
    }

    static String tail(File file, int bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file, "r")) {
            long length = f.length();
            long from = Math.max(0, length - bytes);
            byte[] buf = new byte[(int) (length - from)];
            f.seek(from);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }
}

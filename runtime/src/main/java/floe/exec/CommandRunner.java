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

/**
 * Runs one attempt of a command task as a real process: argv as given, the task's environment
 * on top of the TaskManager's, stdout and stderr to a log file per task and attempt (made only
 * when the task printed something there). The exit code decides; the tail of stdout becomes the task's {@code result} output. An interrupted
 * attempt (timeout, cancellation) takes its whole process tree down with it.
 */
final class CommandRunner {
    /** How much of stdout a completion carries as {@code result}; the log file has all of it. */
    static final int RESULT_BYTES = 64 * 1024;
    private static final int ERROR_TAIL_BYTES = 2 * 1024;

    /**
     * Processes this JVM starts at the same moment. Starting one is CPU work in this JVM (vfork,
     * closing inherited descriptors, exec); more at once than cores only contend: 2,000 {@code true}
     * from 128 threads took 13 s without this and 6 s with it, as from 2 threads (2 cores). The
     * processes themselves run side by side as before; only their starts wait.
     */
    private static final java.util.concurrent.Semaphore STARTS =
            new java.util.concurrent.Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    /** How long a killed process tree is given to be gone. */
    private static final long KILL_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final Path logDir;
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
        this.logDir = logDir;
        this.mounts = new MountNamespace();
    }

    void run(Command command, TaskContext ctx) throws Exception {
        // A volume already at its mount path (a Kubernetes pod mounts it there) needs no namespace.
        List<Command.Mount> needed = command.mounts().stream()
                .filter(m -> !Path.of(m.hostDir()).normalize().equals(Path.of(m.path()).normalize())).toList();
        if (needed.size() != command.mounts().size()) {
            command = command.withMounts(needed);
        }
        Path dir = logDir.resolve(ctx.workflow()).resolve(ctx.stage());
        if (!dir.equals(createdDir)) {
            Files.createDirectories(dir);
            createdDir = dir;
        }
        String name = String.format("task-%05d.attempt-%d", ctx.index(), ctx.attempt());
        File out = dir.resolve(name + ".out").toFile();
        File err = dir.resolve(name + ".err").toFile();
        runStaged(command, ctx, out, err);
    }

    /**
     * Removes what resolving {@code command} made for one attempt on this machine, run or skipped:
     * the staging directories of its artifacts ({@code floe-artifact-*}) and the files its output
     * parameters were read from ({@code floe-outputs-*}). Files the command was given are kept.
     */
    static void cleanUp(Command command) {
        ArtifactTransfer.cleanUp(command.artifacts());
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

    private void runStaged(Command command, TaskContext ctx, File outLog, File errLog) throws Exception {
        ArtifactTransfer.download(command.artifacts());
        List<String> argv = command.mounts().isEmpty() ? command.argv() : mounts.wrap(command);
        Path dir = outLog.toPath().getParent();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(scratch(dir, "out")).redirectError(scratch(dir, "err"));
        pb.environment().putAll(command.env());
        if (command.workingDir() != null && command.mounts().isEmpty()) {
            pb.directory(new File(command.workingDir()));
        }
        Process process;
        STARTS.acquire();
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CommandNotFoundException(ctx.stage(), command.argv().get(0), command.workingDir(), e);
        } finally {
            STARTS.release();
        }
        live.add(process);
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            destroyTree(process);
            keep(scratch(dir, "out"), outLog);
            keep(scratch(dir, "err"), errLog);
            throw e;
        } finally {
            live.remove(process);
        }
        File out = keep(scratch(dir, "out"), outLog);
        File err = keep(scratch(dir, "err"), errLog);
        ctx.output("exitCode", Integer.toString(exit));
        if (exit == MountNamespace.MOUNT_FAILED && !command.mounts().isEmpty()) {
            throw new SpecException("stage '" + ctx.stage() + "': could not mount the task's volumes: " + tail(err, ERROR_TAIL_BYTES));
        }
        if (exit == MountNamespace.NOT_FOUND && !command.mounts().isEmpty()) {
            throw new CommandNotFoundException(ctx.stage(), command.argv().get(0), command.workingDir(),
                    new IOException(tail(err, ERROR_TAIL_BYTES).strip()));
        }
        if (exit != 0) {
            throw new CommandFailedException(command.argv(), exit, tail(err, ERROR_TAIL_BYTES), errLog.getPath());
        }
        ctx.output("result", tail(out, RESULT_BYTES).strip());
        for (Command.OutputFile o : command.outputFiles()) {
            Path file = Path.of(o.hostPath());
            // The output's file exists from the start (it is mounted); an empty one was not written.
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                ctx.output("outputs.parameters." + o.name(), tail(file.toFile(), RESULT_BYTES).strip());
            } else if (o.defaultValue() != null) {
                ctx.output("outputs.parameters." + o.name(), o.defaultValue());
            } else {
                throw new floe.FloeException("stage '" + ctx.stage() + "' task " + ctx.index() + ": output parameter '" + o.name()
                        + "' was not written (give valueFrom.default to make it optional)");
            }
        }
        ArtifactTransfer.upload(command.artifacts());
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
        tree.add(0, process.toHandle());
        return tree;
    }

    private static void awaitGone(List<ProcessHandle> killed) {
        long until = System.nanoTime() + KILL_WAIT_NANOS;
        for (ProcessHandle p : killed) {
            try {
                p.onExit().get(Math.max(0, until - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // killed and not gone yet (stuck in the kernel): waiting longer would not help
            }
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

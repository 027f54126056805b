package floe.exec;

import floe.SpecException;
import floe.model.Suspension;
import floe.model.TaskContext;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Suspended tasks and how they are resumed, through files any process of this machine can
 * reach: a waiting task writes {@code DIR/RUN/NODE.suspended} (when it started, until when, the
 * parameters it expects and their defaults) and polls for {@code DIR/RUN/NODE.resume}, which
 * {@code floe resume} writes (the supplied values); both go once the task goes on. So a run is
 * resumed the same way whether it runs on the embedded Flink or on a session cluster of this machine.
 *
 * <p>A whole run is held the same way: while its hold file ({@code DIR/RUN/workflow.hold}, Argo's
 * {@code spec.suspend} set on a running workflow) exists, none of its tasks starts; those running
 * go on to their end.
 */
public final class Suspensions {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Suspensions.class);
    static final String SUSPENDED = ".suspended";
    static final String RESUME = ".resume";
    static final String HOLD = ".hold";
    private static final long POLL_MILLIS = 200;

    private Suspensions() {}

    /** A suspended task as its file tells: its run and node, since and until when (null: until resumed), its parameters' defaults. */
    public record Waiting(String run, String node, Instant since, Instant until, Map<String, String> defaults, Path file) {
        /** Where {@code floe resume} leaves the values. */
        Path resumeFile() {
            return file.resolveSibling(node + RESUME);
        }
    }

    /** Every task waiting under {@code root} (the directory of every run's suspended tasks), by run then node. */
    public static List<Waiting> waiting(Path root) throws IOException {
        List<Waiting> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> runs = Files.list(root)) {
            for (Path run : runs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(run)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUSPENDED)).sorted().toList()) {
                        Waiting w = read(f);
                        if (w != null) {
                            out.add(w);
                        }
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Waiting::run).thenComparing(Waiting::node));
        return out;
    }

    private static Waiting read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // resumed meanwhile
        }
        String pid = p.getProperty("pid");
        if (pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
            // The process that waited is gone (killed before it could tidy up): nothing waits here.
            Files.deleteIfExists(file);
            return null;
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        String names = p.getProperty("parameters", "");
        for (String name : names.isEmpty() ? new String[0] : names.split(",")) {
            defaults.put(name, p.getProperty("default." + name));
        }
        String until = p.getProperty("until", "");
        return new Waiting(p.getProperty("run"), p.getProperty("node"), Instant.parse(p.getProperty("since")),
                until.isEmpty() ? null : Instant.parse(until), defaults, file);
    }

    /** The hold file of the run whose suspended tasks wait in {@code runDir}. */
    public static Path holdFile(String runDir) {
        return Path.of(runDir).resolve("workflow" + HOLD);
    }

    /** Holds the run of {@code holdFile}: no task of it starts until {@link #release}. */
    public static void hold(Path holdFile) throws IOException {
        Files.createDirectories(holdFile.getParent());
        Properties p = new Properties();
        p.setProperty("since", Instant.now().toString());
        write(holdFile, p);
    }

    /** Lets the tasks of a held run start again; false when it was not held. */
    public static boolean release(Path holdFile) throws IOException {
        return Files.deleteIfExists(holdFile);
    }

    /** Waits while {@code holdFile} exists (null: never); an interrupt (a cancelled run) ends the wait. */
    public static void awaitRelease(String holdFile) throws InterruptedException {
        if (holdFile == null) {
            return;
        }
        Path file = Path.of(holdFile);
        boolean told = false;
        while (Files.exists(file)) {
            if (!told) {
                LOG.info("{}: the run is suspended: its next task starts once it is resumed", file.getParent());
                told = true;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Resumes node {@code node} of the run whose tasks wait in {@code runDir}, with no supplied
     * values, whether it waits already or gets there later (a run submitted suspended, resumed
     * before its wait began).
     */
    public static void resumeAhead(Path runDir, String node) throws IOException {
        Files.createDirectories(runDir);
        write(runDir.resolve(node + RESUME), new Properties());
    }

    /**
     * Ends {@code w}'s wait with a failure: the task fails with {@code message} (Argo's {@code argo
     * node set --phase Failed}).
     */
    public static void fail(Waiting w, String message) throws IOException {
        if (!Files.exists(w.file())) {
            throw new SpecException("node '" + w.node() + "' of run " + w.run() + " is no longer suspended");
        }
        Properties p = new Properties();
        p.setProperty("failed", message == null || message.isEmpty() ? "set to Failed" : message);
        write(w.resumeFile(), p);
    }

    /**
     * Resumes {@code w} with the supplied values of its parameters (Argo's {@code argo node set
     * -p NAME=VALUE} and {@code argo resume}); one not given takes its default. Refused, leaving
     * the task waiting, for a name the task does not expect or a parameter with neither value nor default.
     */
    public static void resume(Waiting w, Map<String, String> values) throws IOException {
        for (String name : values.keySet()) {
            if (!w.defaults().containsKey(name)) {
                throw new SpecException("-p " + name + ": node '" + w.node() + "' of run " + w.run() + " has no supplied output"
                        + " parameter '" + name + "'" + (w.defaults().isEmpty() ? " (it has none)" : " (it has: "
                        + String.join(", ", w.defaults().keySet()) + ")"));
            }
        }
        Properties p = new Properties();
        for (Map.Entry<String, String> d : w.defaults().entrySet()) {
            String value = values.containsKey(d.getKey()) ? values.get(d.getKey()) : d.getValue();
            if (value == null) {
                throw new SpecException("node '" + w.node() + "' of run " + w.run() + ": output parameter '" + d.getKey()
                        + "' has not been set and does not have a default value: give -p " + d.getKey() + "=VALUE");
            }
            p.setProperty("parameter." + d.getKey(), value);
        }
        if (!Files.exists(w.file())) {
            throw new SpecException("node '" + w.node() + "' of run " + w.run() + " is no longer suspended");
        }
        write(w.resumeFile(), p);
    }

    /** Writes {@code p} to {@code file} whole: a reader polling for it never sees half of it. */
    private static void write(Path file, Properties p) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, null);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Waits as {@code s} says, then reports its supplied parameters: the values it was resumed
     * with, or their defaults when its duration ran out (as Argo, a parameter with neither fails
     * the task). An interrupt (a cancelled run, a deadline) ends the wait.
     */
    static void await(Suspension s, TaskContext ctx) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(Path.of(s.directory()));
        Path announced = dir.resolve(s.node() + SUSPENDED);
        Path resume = dir.resolve(s.node() + RESUME);
        Instant since = Instant.now();
        Instant until = s.duration() == null ? null : since.plus(s.duration());
        Properties p = new Properties();
        p.setProperty("run", s.run());
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("node", s.node());
        p.setProperty("since", since.toString());
        p.setProperty("until", until == null ? "" : until.toString());
        List<String> names = s.parameters().stream().map(Suspension.Supplied::name).toList();
        p.setProperty("parameters", String.join(",", names));
        s.parameters().stream().filter(x -> x.defaultValue() != null).forEach(x -> p.setProperty("default." + x.name(), x.defaultValue()));
        write(announced, p);
        String how = until == null ? "until resumed: floe resume " + s.run() + " --node " + s.node()
                : "for " + s.duration().toString().substring(2).toLowerCase() + " (or floe resume " + s.run() + " --node " + s.node() + ")";
        LOG.info("run {}: node {} suspended {}", s.run(), s.node(), how);
        try {
            while (true) {
                if (Files.exists(resume)) {
                    Properties values = new Properties();
                    try (Reader in = Files.newBufferedReader(resume, StandardCharsets.UTF_8)) {
                        values.load(in);
                    }
                    if (values.getProperty("failed") != null) {
                        throw new floe.FloeException("run " + s.run() + ": node " + s.node() + ": " + values.getProperty("failed"));
                    }
                    for (Suspension.Supplied x : s.parameters()) {
                        String v = values.getProperty("parameter." + x.name(), x.defaultValue());
                        report(ctx, s, x, v);
                    }
                    LOG.info("run {}: node {} resumed", s.run(), s.node());
                    return;
                }
                long left = until == null ? POLL_MILLIS : until.toEpochMilli() - System.currentTimeMillis();
                if (left <= 0) {
                    for (Suspension.Supplied x : s.parameters()) {
                        report(ctx, s, x, x.defaultValue());
                    }
                    LOG.info("run {}: node {} resumed after {}", s.run(), s.node(), s.duration());
                    return;
                }
                Thread.sleep(Math.min(POLL_MILLIS, left));
            }
        } finally {
            Files.deleteIfExists(announced);
            Files.deleteIfExists(resume);
            try {
                Files.deleteIfExists(dir); // the run's last suspended task
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // another task of the run waits there
            }
        }
    }

    private static void report(TaskContext ctx, Suspension s, Suspension.Supplied x, String value) {
        if (value == null) {
            throw new SpecException("run " + s.run() + ": node " + s.node() + ": output parameter '" + x.name()
                    + "' has not been set and does not have a default value");
        }
        ctx.outputParameter(x.name(), value);
    }
}

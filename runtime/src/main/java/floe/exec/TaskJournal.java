package floe.exec;

import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a run records each task that succeeded, so that a later run of the same workflow does not
 * run it again. A journal is a directory of any Flink file system (local disk, OSS), one small JSON
 * file a task: {@code DIR/WORKFLOW/STAGE/task-N.json} with the task's completion as downstream
 * tasks read it (attempts, times, outputs: exit code, result, output parameters, artifacts; files
 * written). Each is written whole or not at all (beside the stage's directory and renamed into it
 * on a file system; one upload on an object store) once the task succeeded and before its
 * completion goes downstream.
 *
 * <p>A run given the journal of an earlier run ({@code resumeFrom}) emits the recorded completion
 * of a task found there instead of running it, unless something the task reported writing (a file,
 * an output artifact) is gone: then the task runs again. Only tasks that succeeded are recorded:
 * a task skipped by its condition, failed in a stage that continues, or a daemon (whose process
 * ended with its run) runs again; so does every task of Floe's own stages ({@code floe.*}).
 *
 * <pre>{@code
 * TaskJournal journal = TaskJournal.of("file:///data/journal", "file:///data/journal");
 * TaskJournal.Stage s = journal.stage("process-data", "process-data-l1");
 * Optional<TaskCompletion> done = s.recorded(3);   // the earlier run's completion, outputs still there
 * s.record(completion);                              // after the task succeeded
 * }</pre>
 */
public final class TaskJournal implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TaskJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPTIONS = "#floe:";

    private final String dir;
    private final String resumeFrom;

    private TaskJournal(String dir, String resumeFrom) {
        this.dir = blank(dir) ? null : dir;
        this.resumeFrom = blank(resumeFrom) ? null : resumeFrom;
    }

    /**
     * A journal written to {@code dir} (null: none) by a run that resumes from the journal in
     * {@code resumeFrom} (null: runs every task); the two may be the same directory.
     */
    public static TaskJournal of(String dir, String resumeFrom) {
        return new TaskJournal(dir, resumeFrom);
    }

    /** No journal: every task runs, none is recorded. */
    public static TaskJournal none() {
        return new TaskJournal(null, null);
    }

    public boolean isOff() {
        return dir == null && resumeFrom == null;
    }

    public String dir() {
        return dir;
    }

    public String resumeFrom() {
        return resumeFrom;
    }

    /** The journal of one stage of {@code workflow}; made on the TaskManager that runs its tasks. */
    public Stage stage(String workflow, String stage) {
        boolean own = stage.startsWith("floe.");
        return new Stage(own || dir == null ? null : stageDir(dir, workflow, stage),
                own || resumeFrom == null ? null : stageDir(resumeFrom, workflow, stage), stage);
    }

    /** The directory of {@code stage} of {@code workflow} in the journal at {@code dir}. */
    public static Path stageDir(String dir, String workflow, String stage) {
        return new Path(new Path(dir, encode(workflow)), encode(stage));
    }

    /** The file that records task {@code index} in its stage's directory. */
    public static String fileName(int index) {
        return "task-" + index + ".json";
    }

    /**
     * Every task of {@code stage} of {@code workflow} the journal at {@code dir} records, by index
     * (what a run resumed from it would not run again, their outputs permitting).
     */
    public static List<TaskCompletion> recorded(String dir, String workflow, String stage) throws IOException {
        Path p = stageDir(dir, workflow, stage);
        FileSystem fs = p.getFileSystem();
        FileStatus[] all = fs.exists(p) ? fs.listStatus(p) : null;
        TreeMap<Integer, TaskCompletion> out = new TreeMap<>();
        for (FileStatus f : all == null ? new FileStatus[0] : all) {
            String name = f.getPath().getName();
            if (name.matches("task-\\d+\\.json")) {
                try {
                    TaskCompletion c = read(f.getPath());
                    if (c != null && c.stage().equals(stage)) {
                        out.put(c.index(), c);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: cannot be read ({}): left out", f.getPath(), e.toString());
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** Removes what the journal at {@code dir} records of {@code stage} of {@code workflow} (its tasks then run again). */
    public static void forget(String dir, String workflow, String stage) throws IOException {
        Path p = stageDir(dir, workflow, stage);
        FileSystem fs = p.getFileSystem();
        if (fs.exists(p)) {
            fs.delete(p, true);
        }
    }

    /** Removes what the journal at {@code dir} records of task {@code index} of {@code stage} of {@code workflow}. */
    public static void forget(String dir, String workflow, String stage, int index) throws IOException {
        Path p = new Path(stageDir(dir, workflow, stage), fileName(index));
        p.getFileSystem().delete(p, false);
    }

    /** Removes the journal of {@code workflow} in {@code dir}. */
    public static void forget(String dir, String workflow) throws IOException {
        Path p = new Path(dir, encode(workflow));
        FileSystem fs = p.getFileSystem();
        if (fs.exists(p)) {
            fs.delete(p, true);
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** One stage's part of a journal: what an earlier run recorded, and where this run records. */
    public static final class Stage {
        private final Path writeTo;
        private final Path readFrom;
        private final String name;
        /** The files the earlier run recorded, listed once (a stat per task is slow on an object store). */
        private volatile Set<String> listed;
        private final Set<Integer> copied = ConcurrentHashMap.newKeySet();

        private Stage(Path writeTo, Path readFrom, String name) {
            this.writeTo = writeTo;
            this.readFrom = readFrom;
            this.name = name;
        }

        /**
         * The completion an earlier run recorded for task {@code index}, when every file and output
         * artifact it reported is still there; empty otherwise (the task runs).
         */
        public Optional<TaskCompletion> recorded(int index) {
            if (readFrom == null) {
                return Optional.empty();
            }
            try {
                if (!listed().contains(fileName(index))) {
                    return Optional.empty();
                }
                TaskCompletion c = read(new Path(readFrom, fileName(index)));
                if (c == null || c.index() != index || !c.stage().equals(name)) {
                    return Optional.empty();
                }
                String gone = missingOutput(c);
                if (gone != null) {
                    LOG.info("stage '{}' task {}: succeeded in an earlier run, but {} is gone: it runs again", name, index, gone);
                    return Optional.empty();
                }
                if (writeTo != null && !writeTo.equals(readFrom)) {
                    copied.add(index);
                }
                return Optional.of(c);
            } catch (IOException | RuntimeException e) {
                LOG.warn("stage '{}' task {}: its record in {} cannot be read ({}): it runs again", name, index, readFrom, e.toString());
                return Optional.empty();
            }
        }

        /**
         * Records {@code c}, a task of this stage that succeeded in this run (or, resumed, in the
         * journal it resumed from when this run writes elsewhere). Nothing for any other outcome.
         */
        public void record(TaskCompletion c, boolean resumed) throws IOException {
            if (writeTo == null || (resumed && !copied.remove(c.index()))) {
                return;
            }
            TaskOutcome outcome = c.outcome();
            if (outcome.phase() != Phase.SUCCEEDED || outcome.ip().isPresent()) {
                return;
            }
            write(new Path(writeTo, fileName(c.index())), c);
        }

        private Set<String> listed() throws IOException {
            Set<String> names = listed;
            if (names == null) {
                names = new HashSet<>();
                FileSystem fs = readFrom.getFileSystem();
                FileStatus[] all = fs.exists(readFrom) ? fs.listStatus(readFrom) : null;
                if (all != null) {
                    for (FileStatus f : all) {
                        names.add(f.getPath().getName());
                    }
                }
                listed = names;
            }
            return names;
        }
    }

    static void write(Path target, TaskCompletion c) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("stage", c.stage());
        o.put("index", c.index());
        o.put("attempts", c.attempts());
        o.put("start", c.startMillis());
        o.put("end", c.endMillis());
        ObjectNode outputs = o.putObject("outputs");
        c.outputs().forEach(outputs::put);
        c.files().forEach(o.putArray("files")::add);
        byte[] bytes = JSON.writeValueAsBytes(o);
        FileSystem fs = target.getFileSystem();
        if (fs.isDistributedFS()) {
            // An object store shows an object once its upload completed: whole or not at all.
            try (FSDataOutputStream out = fs.create(target, FileSystem.WriteMode.OVERWRITE)) {
                out.write(bytes);
            }
            return;
        }
        fs.mkdirs(target.getParent());
        // Written beside the stage's directory, not in it: a run listing the stage while its own
        // tasks record (resumed from the journal it writes) never meets a file about to be renamed.
        Path partial = new Path(target.getParent().getParent(),
                "." + target.getParent().getName() + "." + target.getName() + "." + UUID.randomUUID() + ".partial");
        try {
            try (FSDataOutputStream out = fs.create(partial, FileSystem.WriteMode.NO_OVERWRITE)) {
                out.write(bytes);
                out.flush();
                out.sync();
            }
            if (!fs.rename(partial, target)) {
                throw new IOException("cannot rename " + partial + " to " + target);
            }
        } finally {
            if (fs.exists(partial)) {
                fs.delete(partial, false);
            }
        }
    }

    static TaskCompletion read(Path file) throws IOException {
        JsonNode o;
        try (FSDataInputStream in = file.getFileSystem().open(file)) {
            o = JSON.readTree(in);
        }
        Map<String, String> outputs = new TreeMap<>();
        o.path("outputs").fields().forEachRemaining(e -> outputs.put(e.getKey(), e.getValue().asText()));
        List<String> files = new ArrayList<>();
        o.path("files").forEach(f -> files.add(f.asText()));
        if (!o.path("stage").isTextual() || !o.path("index").isInt()) {
            return null;
        }
        return new TaskCompletion(o.get("stage").asText(), o.get("index").asInt(), o.path("attempts").asInt(1),
                o.path("start").asLong(), o.path("end").asLong(), outputs, files);
    }

    /** The first file or output artifact {@code c} reported that is not there any more, or null. */
    static String missingOutput(TaskCompletion c) {
        for (String f : c.files()) {
            if (!exists(f, Map.of())) {
                return f;
            }
        }
        for (String location : c.outcome().artifacts().values()) {
            int at = location.indexOf(OPTIONS);
            String uri = at < 0 ? location : location.substring(0, at);
            Map<String, String> options = at < 0 ? Map.of() : options(location.substring(at + OPTIONS.length()));
            if (!exists(uri, options)) {
                return uri;
            }
        }
        return null;
    }

    private static boolean exists(String uri, Map<String, String> options) {
        try {
            Path p = new Path(uri.endsWith("/") && uri.length() > 1 ? uri.substring(0, uri.length() - 1) : uri);
            return ObjectStores.of(p, options).exists(p);
        } catch (IOException | RuntimeException e) {
            LOG.info("{}: cannot tell whether it is there ({}): counted as gone", uri, e.toString());
            return false;
        }
    }

    private static Map<String, String> options(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}

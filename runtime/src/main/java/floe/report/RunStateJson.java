package floe.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A run's state as the JSON its page reads: the run, then per stage its counts and its tasks as
 * columns (index, one letter per phase, start after the run's start, duration, attempts, exit code,
 * messages by index), so that 10,000 tasks take about 25 bytes each; and the graph's layout.
 */
public final class RunStateJson {
    private static final JsonFactory JSON = new JsonFactory();

    private RunStateJson() {}

    /** {@code run} with its layout, as JSON. */
    public static String of(RunState run) {
        return of(run, GraphLayout.of(run));
    }

    static String of(RunState run, GraphLayout.Result layout) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("workflow", run.workflow());
            g.writeStringField("phase", run.phase().argoName());
            g.writeStringField("message", run.message());
            g.writeNumberField("startedAt", run.startedAt());
            g.writeNumberField("finishedAt", run.finishedAt());
            g.writeStringField("progress", run.progress());
            g.writeArrayFieldStart("stages");
            for (StageState s : run.stages()) {
                stage(g, s, run);
            }
            g.writeEndArray();
            layout(g, layout);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void stage(JsonGenerator g, StageState s, RunState run) throws IOException {
        NodePhase unrecorded = run.unrecorded();
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeStringField("part", s.part());
        g.writeNumberField("tasks", s.total(unrecorded));
        g.writeStringField("phase", s.phase(unrecorded).argoName());
        g.writeBooleanField("grid", GraphLayout.grid(s));
        g.writeObjectFieldStart("counts");
        for (Map.Entry<NodePhase, Integer> c : s.counts(unrecorded).entrySet()) {
            g.writeNumberField(c.getKey().argoName(), c.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("after");
        for (String a : s.after()) {
            g.writeString(a);
        }
        g.writeEndArray();
        g.writeStringField("logs", s.logDir());
        g.writeObjectFieldStart("t");
        g.writeArrayFieldStart("i");
        for (TaskRecord r : s.records()) {
            g.writeNumber(r.index());
        }
        g.writeEndArray();
        StringBuilder phases = new StringBuilder(s.records().size());
        s.records().forEach(r -> phases.append(r.phase().code()));
        g.writeStringField("p", phases.toString());
        g.writeArrayFieldStart("s");
        for (TaskRecord r : s.records()) {
            g.writeNumber(r.startMillis() - run.startedAt());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("d");
        for (TaskRecord r : s.records()) {
            g.writeNumber(r.durationMillis());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("a");
        for (TaskRecord r : s.records()) {
            g.writeNumber(r.attempts());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("x");
        for (TaskRecord r : s.records()) {
            if (r.exitCode() == null) {
                g.writeNull();
            } else {
                g.writeNumber(r.exitCode());
            }
        }
        g.writeEndArray();
        if (s.logDir() != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(s.logDir()))) {
            // Which log files the attempts left (a command that wrote nothing leaves none), where they are on this machine.
            g.writeArrayFieldStart("l");
            for (TaskRecord r : s.records()) {
                g.writeNumber(logFlags(java.nio.file.Path.of(s.logDir()), r));
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("m");
        for (TaskRecord r : s.records()) {
            if (r.message() != null) {
                g.writeStringField(Integer.toString(r.index()), r.message());
            }
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Bit 2(a-1) when attempt a's stdout file exists, bit 2(a-1)+1 for its stderr (attempts 1 to 15). */
    static int logFlags(java.nio.file.Path dir, TaskRecord r) {
        int flags = 0;
        for (int a = 1; a <= Math.min(r.attempts(), 15); a++) {
            String base = String.format("task-%05d.attempt-%d", r.index(), a);
            if (java.nio.file.Files.exists(dir.resolve(base + ".out"))) {
                flags |= 1 << (2 * (a - 1));
            }
            if (java.nio.file.Files.exists(dir.resolve(base + ".err"))) {
                flags |= 1 << (2 * (a - 1) + 1);
            }
        }
        return flags;
    }

    private static void layout(JsonGenerator g, GraphLayout.Result layout) throws IOException {
        g.writeObjectFieldStart("layout");
        g.writeNumberField("width", Math.ceil(layout.width()));
        g.writeNumberField("height", Math.ceil(layout.height()));
        g.writeNumberField("columns", GraphLayout.GRID_COLUMNS);
        g.writeNumberField("cell", GraphLayout.CELL);
        g.writeNumberField("header", GraphLayout.HEADER);
        g.writeArrayFieldStart("nodes");
        for (GraphLayout.Box b : layout.nodes()) {
            g.writeStartArray();
            g.writeNumber(Math.round(b.x()));
            g.writeNumber(Math.round(b.y()));
            g.writeNumber(Math.round(b.width()));
            g.writeNumber(Math.round(b.height()));
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("edges");
        for (GraphLayout.Edge e : layout.edges()) {
            g.writeStartObject();
            g.writeNumberField("from", e.from());
            g.writeNumberField("to", e.to());
            g.writeArrayFieldStart("points");
            for (double p : e.points()) {
                g.writeNumber(Math.round(p * 10) / 10.0);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}

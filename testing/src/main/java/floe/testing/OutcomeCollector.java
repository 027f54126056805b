package floe.testing;

import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskFunction;
import floe.model.Workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The last stage the harness adds to a workflow under test: one task after every stage, which
 * writes the completions of all tasks to a file of the harness (the embedded Flink shares this
 * machine's disk), so a test can read every task's outputs and files.
 */
final class OutcomeCollector implements TaskFunction {
    private static final long serialVersionUID = 1L;

    /** The added stage's name; a test never sees it. */
    static final String STAGE = "floe-testing-outcomes";

    private final String file;

    private OutcomeCollector(Path file) {
        this.file = file.toString();
    }

    static Workflow addTo(Workflow workflow, Path file) {
        Stage.Builder collector = Stage.named(STAGE).run(new OutcomeCollector(file));
        for (Stage upstream : workflow.stages()) {
            collector.after(upstream.name());
        }
        List<Stage> stages = new ArrayList<>(workflow.stages());
        stages.add(collector.build());
        return new Workflow(workflow.name(), stages, workflow.parameters(), workflow.onExit(), workflow.deadline(),
                workflow.parallelism(), workflow.locks(), workflow.hold());
    }

    @Override
    public void run(TaskContext ctx) throws IOException {
        try (OutputStream out = Files.newOutputStream(Path.of(file));
                ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(new ArrayList<>(ctx.inputs()));
        }
    }

    @SuppressWarnings("unchecked")
    static List<TaskCompletion> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                ObjectInputStream objects = new ObjectInputStream(in)) {
            return (List<TaskCompletion>) objects.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}

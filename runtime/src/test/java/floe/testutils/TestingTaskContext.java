package floe.testutils;

import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The context of one attempt of task {@code index} of a stage, for resolving a task's command in a
 * test without running it; collects what the task reports.
 *
 * <pre>{@code
 * Command c = ((CommandTask) stage.body()).command().resolve(TestingTaskContext.of("wf", stage.name(), 0));
 * }</pre>
 */
public final class TestingTaskContext implements TaskContext {
    private final String workflow;
    private final String stage;
    private final int index;
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final List<String> files = new ArrayList<>();

    private TestingTaskContext(String workflow, String stage, int index) {
        this.workflow = workflow;
        this.stage = stage;
        this.index = index;
    }

    /** The first attempt of task {@code index}, with no parameters and no upstream tasks. */
    public static TestingTaskContext of(String workflow, String stage, int index) {
        return new TestingTaskContext(workflow, stage, index);
    }

    @Override
    public String workflow() {
        return workflow;
    }

    @Override
    public String stage() {
        return stage;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int tasks() {
        return index + 1;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of();
    }

    @Override
    public List<TaskCompletion> inputs() {
        return List.of();
    }

    @Override
    public void output(String name, String value) {
        outputs.put(name, value);
    }

    @Override
    public void wrote(String uri) {
        files.add(uri);
    }

    @Override
    public void skip(String reason) {
        outputs.put(TaskOutcome.PHASE, Phase.SKIPPED.argoName());
        outputs.put(TaskOutcome.MESSAGE, reason);
    }

    @Override
    public boolean skipped() {
        return outcome().phase() == Phase.SKIPPED;
    }

    /** What the task reported. */
    public Map<String, String> outputs() {
        return outputs;
    }
}

package floe.exec;

import floe.model.Phase;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** The {@link TaskContext} of one attempt; what it collects becomes the task's completion. */
final class RunningTask implements TaskContext {
    private final String workflow;
    private final String run;
    private final Stage stage;
    private final int index;
    private final int tasks;
    private final int attempt;
    private final Map<String, String> parameters;
    private final List<TaskCompletion> inputs;
    private final TreeMap<String, String> outputs = new TreeMap<>();
    private final List<String> files = new ArrayList<>();

    RunningTask(String workflow, String run, Stage stage, int index, int tasks, int attempt, Map<String, String> parameters,
            List<TaskCompletion> inputs) {
        this.workflow = workflow;
        this.run = run;
        this.stage = stage;
        this.index = index;
        this.tasks = tasks;
        this.attempt = attempt;
        this.parameters = parameters;
        this.inputs = List.copyOf(inputs);
    }

    @Override
    public String workflow() {
        return workflow;
    }

    @Override
    public String run() {
        return run;
    }

    @Override
    public String stage() {
        return stage.name();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int tasks() {
        return tasks;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public List<TaskCompletion> inputs() {
        return inputs;
    }

    @Override
    public synchronized void output(String name, String value) {
        outputs.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public synchronized void wrote(String uri) {
        files.add(Objects.requireNonNull(uri, "uri"));
    }

    @Override
    public synchronized void skip(String reason) {
        outputs.put(TaskOutcome.PHASE, Phase.SKIPPED.argoName());
        outputs.put(TaskOutcome.MESSAGE, reason);
    }

    @Override
    public synchronized boolean skipped() {
        return Phase.SKIPPED.argoName().equals(outputs.get(TaskOutcome.PHASE)); // whatever else a task may call its phase
    }

    /** A copy: the attempt's thread (under a timeout) may still be writing. */
    @Override
    public synchronized Map<String, String> outputs() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
    }

    synchronized TaskCompletion complete(long startMillis, long endMillis) {
        outputs.putIfAbsent(TaskOutcome.PHASE, Phase.SUCCEEDED.argoName());
        return new TaskCompletion(stage.name(), index, attempt, startMillis, endMillis, outputs, files);
    }

    /** The completion of a task that failed in a stage that continues on failure. */
    synchronized TaskCompletion failed(long startMillis, long endMillis, String message) {
        outputs.put(TaskOutcome.PHASE, Phase.FAILED.argoName());
        outputs.put(TaskOutcome.MESSAGE, message);
        return new TaskCompletion(stage.name(), index, attempt, startMillis, endMillis, outputs, files);
    }
}

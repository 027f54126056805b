package floe.argo;

import floe.FloeException;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last stage of a workflow in which some failures let the rest run (a step with an exit hook,
 * a dag with {@code failFast: false}): once everything else ran, it fails the run if any of
 * those tasks failed, naming them, as Argo marks such a workflow Failed.
 */
final class DeferredFailures implements TaskFunction {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "floe.deferred-failures";

    private final TreeMap<String, String> stages;

    /** @param stages the stages whose failures were deferred, each with its step's spec path */
    DeferredFailures(Map<String, String> stages) {
        this.stages = new TreeMap<>(stages);
    }

    @Override
    public void run(TaskContext ctx) {
        List<String> failed = new ArrayList<>();
        for (TaskCompletion c : ctx.inputs()) {
            if (stages.containsKey(c.stage()) && c.outcome().phase() == Phase.FAILED) {
                failed.add(c.outcome().message().orElse("stage '" + c.stage() + "' task " + c.index() + " failed"));
            }
        }
        if (!failed.isEmpty()) {
            throw new FloeException(failed.size() + " task" + (failed.size() == 1 ? "" : "s") + " failed while the rest of"
                    + " the workflow ran on: " + String.join("; ", failed.subList(0, Math.min(3, failed.size())))
                    + (failed.size() > 3 ? "; ..." : ""));
        }
    }
}

package floe.run;

import floe.FloeException;
import floe.model.Workflow;

import java.util.function.Function;

/**
 * Runs a workflow, then its exit handler whatever the outcome (Argo {@code onExit}), telling the
 * handler how the workflow ended. A failed workflow still fails after its handler ran; a handler
 * that fails after a successful workflow fails the run.
 */
final class ExitHandlers {
    private ExitHandlers() {}

    static RunResult run(Workflow workflow, Function<Workflow, RunResult> runner) {
        if (workflow.onExit() == null) {
            return runner.apply(workflow);
        }
        RunResult result = null;
        FloeException failure = null;
        try {
            result = runner.apply(workflow.withoutOnExit());
        } catch (FloeException e) {
            failure = e;
        }
        Workflow handler = workflow.onExit().withParameter(Workflow.STATUS_PARAMETER, failure == null ? "Succeeded" : "Failed");
        try {
            runner.apply(handler);
        } catch (FloeException e) {
            if (failure == null) {
                throw new FloeException("workflow '" + workflow.name() + "' succeeded but its exit handler failed: " + e.getMessage(), e);
            }
            failure.addSuppressed(e);
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }
}

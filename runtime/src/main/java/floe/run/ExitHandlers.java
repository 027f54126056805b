package floe.run;

import floe.FloeException;
import floe.model.Workflow;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs a workflow, then its exit handler whatever the outcome (Argo {@code onExit}), telling the
 * handler how the workflow ended. A failed workflow still fails after its handler ran; a handler
 * that fails after a successful workflow fails the run.
 */
public final class ExitHandlers {
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    private ExitHandlers() {}

    static RunResult run(Workflow workflow, Function<Workflow, RunResult> runner) {
        return run(workflow, runner, (handler, status) -> runner.apply(handler));
    }

    /**
     * As above, for runners that start the handler their own way: {@code runHandler} gets the
     * handler (which sees the outcome as {@link Workflow#STATUS_PARAMETER}) and the outcome,
     * {@code Succeeded} or {@code Failed}.
     */
    public static RunResult run(Workflow workflow, Function<Workflow, RunResult> runMain,
            BiFunction<Workflow, String, RunResult> runHandler) {
        if (workflow.onExit() == null) {
            return runMain.apply(workflow);
        }
        RunResult result = null;
        FloeException failure = null;
        try {
            result = runMain.apply(workflow.withoutOnExit());
        } catch (FloeException e) {
            failure = e;
        }
        String status = failure == null ? SUCCEEDED : FAILED;
        try {
            runHandler.apply(handler(workflow, status), status);
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

    /** {@code workflow}'s exit handler as it runs after the workflow ended {@code status}. */
    public static Workflow handler(Workflow workflow, String status) {
        if (!SUCCEEDED.equals(status) && !FAILED.equals(status)) {
            throw new floe.SpecException("exit handler status '" + status + "': expected " + SUCCEEDED + " or " + FAILED);
        }
        if (workflow.onExit() == null) {
            throw new floe.SpecException("workflow '" + workflow.name() + "' has no exit handler (onExit)");
        }
        return workflow.onExit().withParameter(Workflow.STATUS_PARAMETER, status);
    }
}

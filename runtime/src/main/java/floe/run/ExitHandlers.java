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
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

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
            Workflow handler = handler(workflow, status);
            if (failure != null) {
                handler = handler.withParameter(Workflow.FAILURES_PARAMETER, failures(failure));
            }
            runHandler.apply(handler, status);
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

    /** The failed task behind {@code failure}, as Argo lists failed nodes for {@code workflow.failures}. */
    static String failures(FloeException failure) {
        String stage = "";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof floe.TaskFailedException f) {
                stage = f.stage();
                break;
            }
        }
        java.util.Map<String, String> node = new java.util.LinkedHashMap<>();
        node.put("displayName", stage);
        node.put("message", failure.getMessage());
        node.put("templateName", stage);
        node.put("phase", FAILED);
        node.put("podName", "");
        node.put("finishedAt", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        try {
            return JSON.writeValueAsString(java.util.List.of(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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

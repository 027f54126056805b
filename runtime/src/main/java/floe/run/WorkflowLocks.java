package floe.run;

import floe.exec.Locks;
import floe.model.Workflow;

import java.io.InterruptedIOException;
import java.util.function.Supplier;

/** A workflow's own locks ({@link Workflow#locks()}), held by the process that runs it from its start to its end. */
final class WorkflowLocks {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkflowLocks.class);

    private WorkflowLocks() {}

    static RunResult held(Workflow workflow, Supplier<RunResult> run) {
        if (workflow.locks().isEmpty()) {
            return run.get();
        }
        try (Locks.Held held = Locks.take(workflow.locks(), lock -> LOG.info("workflow '{}': waiting for lock '{}' ({} at once)",
                workflow.name(), lock.name(), lock.permits()))) {
            return run.get();
        } catch (InterruptedIOException e) {
            throw new floe.FloeException("workflow '" + workflow.name() + "': " + e.getMessage(), e);
        }
    }
}

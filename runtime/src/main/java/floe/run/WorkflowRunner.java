package floe.run;

import floe.model.Workflow;

/**
 * Where a workflow runs: an embedded Flink ({@link EmbeddedRunner}), the Flink that launched this
 * program ({@link ContextRunner}: {@code flink run}, an application cluster), or a session cluster
 * over REST ({@link SessionRunner}). Callers pick one where they start and use only this.
 *
 * <pre>{@code
 * try (WorkflowRunner flink = EmbeddedRunner.start(conf)) {
 *     RunResult result = flink.run(workflow, TerminalProgress.onStderr());
 * }
 * }</pre>
 */
public interface WorkflowRunner extends AutoCloseable {
    /**
     * Runs {@code workflow} to the end, then its exit handler if it has one; throws the failing
     * task's error if it fails. {@code progress} hears about each stage where the runner can
     * follow them.
     */
    RunResult run(Workflow workflow, ProgressListener progress);

    /** Lets go of what the runner holds (an embedded Flink stops); by default nothing. */
    @Override
    default void close() {}
}

package floe.run;

import org.apache.flink.configuration.Configuration;

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

    /**
     * The runner a program of its own uses: the Flink that launched it when it runs under a Flink
     * client ({@code flink run}, an application cluster), else an embedded Flink started here. So
     * one jar runs with {@code java -jar} and with {@code flink run} alike.
     */
    static WorkflowRunner start(Configuration conf) {
        return ContextRunner.isInFlinkClient() ? ContextRunner.on(conf) : EmbeddedRunner.start(conf);
    }

    /** Lets go of what the runner holds (an embedded Flink stops); by default nothing. */
    @Override
    default void close() {}
}

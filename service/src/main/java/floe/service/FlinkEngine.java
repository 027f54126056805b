package floe.service;

import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.RunResult;

import java.util.function.Consumer;

/**
 * Where the service's jobs run: one Floe workflow per call, several calls at once. A run throws
 * as {@link floe.run.EmbeddedRunner#run} does; interrupting the calling thread cancels the run's
 * Flink job.
 */
public interface FlinkEngine extends AutoCloseable {
    /** Runs {@code workflow}; {@code submitted} is told the Flink job id where the engine can follow it again later. */
    RunResult run(Workflow workflow, ProgressListener progress, Consumer<String> submitted);

    /** Whether jobs outlive the service (a session cluster), so a restarted service can follow them. */
    default boolean keepsJobs() {
        return false;
    }

    /** Whether the Flink job {@code flinkJobId} is known to the cluster, so {@link #attach} can follow it. */
    default boolean knows(String flinkJobId) {
        return false;
    }

    /** Follows a job submitted earlier to its end, as {@link #run} would have. */
    default RunResult attach(Workflow workflow, String flinkJobId, ProgressListener progress) {
        throw new UnsupportedOperationException("this engine does not keep jobs");
    }

    /** What the service prints at start: where the jobs go. */
    String describe();

    @Override
    void close();
}

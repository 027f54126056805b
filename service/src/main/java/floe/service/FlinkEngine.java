package floe.service;

import floe.model.Workflow;
import floe.run.ProgressListener;
import floe.run.RunResult;

/**
 * Where the service's jobs run: one Floe workflow at a time per call, several calls at once. A
 * run throws as {@link floe.run.EmbeddedRunner#run} does; interrupting the calling thread
 * cancels the run's Flink job.
 */
interface FlinkEngine extends AutoCloseable {
    RunResult run(Workflow workflow, ProgressListener progress);

    /** What the service prints at start: where the jobs go. */
    String describe();

    @Override
    void close();
}

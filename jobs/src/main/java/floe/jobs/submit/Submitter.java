package floe.jobs.submit;

import floe.run.RunResult;

import java.util.Optional;

/** Sends a {@link Submission} to one kind of cluster and, unless detached, follows it to its end. */
public interface Submitter {
    /** The run's figures when it was followed to a successful end; empty when detached. A failed run throws. */
    Optional<RunResult> submit(Submission submission);
}

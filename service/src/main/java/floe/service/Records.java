package floe.service;

import java.util.List;

/** What the database holds, one record per row kind. */
final class Records {
    private Records() {}

    record Definition(String name, int revision, String status, String spec, long createdAt) {
        String ref() {
            return name + ":" + revision;
        }
    }

    record Queue(String name, String state, int priority, long createdAt) {}

    record Dependency(String jobId, String type) {}

    /** A dependency with the state of the job it names. */
    record Upstream(String jobId, String type, JobStatus status, boolean perChild) {}

    record Job(String id, String name, String queue, String definitionName, int definitionRevision, String spec,
            Integer arraySize, JobStatus status, String statusReason, long createdAt, Long startedAt, Long stoppedAt,
            int childrenRunning, int childrenSucceeded, int childrenFailed, Integer failedChild, Integer exitCode,
            String attempts, String children, List<Dependency> dependsOn) {

        String definitionRef() {
            return definitionName + ":" + definitionRevision;
        }
    }

    /** One run of a job on Flink; {@code outcome} null while it runs (or if the service died under it). */
    record Run(String jobId, int run, long startedAt, Long endedAt, String outcome, String flinkJobId) {}
}

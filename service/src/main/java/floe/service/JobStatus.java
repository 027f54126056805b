package floe.service;

import java.util.EnumSet;
import java.util.Set;

/** A job's life, as AWS Batch names it: SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, then SUCCEEDED or FAILED. */
public enum JobStatus {
    SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED;

    /** Not started yet: {@code canceljob} stops these. */
    public static final Set<JobStatus> WAITING = EnumSet.of(SUBMITTED, PENDING, RUNNABLE);

    public boolean done() {
        return this == SUCCEEDED || this == FAILED;
    }
}

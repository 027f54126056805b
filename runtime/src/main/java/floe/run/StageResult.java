package floe.run;

/**
 * What one stage did in a run: tasks completed (of which skipped by a condition, and failed in a
 * stage that continues on failure), attempts used, task time in all and at most.
 */
public record StageResult(String stage, int tasks, int attempts, long taskMillis, long maxTaskMillis, int skipped, int failed) {

    /** Attempts beyond the first, over all tasks. */
    public int retries() {
        return attempts - tasks;
    }
}

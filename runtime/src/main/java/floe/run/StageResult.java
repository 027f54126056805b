package floe.run;

/**
 * What one stage did in a run: tasks completed (of which skipped by a condition, and failed in a
 * stage that continues on failure, and of which already succeeded in an earlier run whose journal
 * this run resumed from, not run again), attempts used, task time in all and at most.
 */
public record StageResult(String stage, int tasks, int attempts, long taskMillis, long maxTaskMillis, int skipped, int failed,
        int resumed) {

    /** Attempts beyond the first, over the tasks this run ran. */
    public int retries() {
        return attempts - (tasks - resumed);
    }
}

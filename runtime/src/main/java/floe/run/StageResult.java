package floe.run;

/** What one stage did in a run: tasks completed, attempts used, task time in all and at most. */
public record StageResult(String stage, int tasks, int attempts, long taskMillis, long maxTaskMillis) {

    /** Attempts beyond the first, over all tasks. */
    public int retries() {
        return attempts - tasks;
    }
}

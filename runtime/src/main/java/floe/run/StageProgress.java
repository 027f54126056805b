package floe.run;

/** One stage during a run: tasks done of all, and subtasks running. */
public record StageProgress(String stage, int tasksDone, int tasks, int running, boolean failed) {

    public boolean done() {
        return tasksDone == tasks;
    }
}

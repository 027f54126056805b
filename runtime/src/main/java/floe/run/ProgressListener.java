package floe.run;

import java.util.List;

/** Told how every stage stands, a few times a second while a workflow runs, and once at the end. */
@FunctionalInterface
public interface ProgressListener {
    void update(List<StageProgress> stages, boolean finished);

    /**
     * Told, when a job of {@code workflow} ended (succeeded or failed), the record of each task
     * that ended in it, where the job kept them ({@code WorkflowCompiler.withTaskRecords}) and the
     * runner can read them (the embedded Flink, a Flink client's own job). By default nothing.
     */
    default void tasksEnded(String workflow, List<floe.report.TaskRecord> records) {}

    /** A listener that wants nothing; a run given it does not follow progress at all. */
    static ProgressListener none() {
        return Silent.INSTANCE;
    }

    /** The one listener {@link #none()} returns. */
    enum Silent implements ProgressListener {
        INSTANCE;

        @Override
        public void update(List<StageProgress> stages, boolean finished) {}
    }
}

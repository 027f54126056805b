package floe.run;

import java.util.List;

/** Told how every stage stands, a few times a second while a workflow runs, and once at the end. */
@FunctionalInterface
public interface ProgressListener {
    void update(List<StageProgress> stages, boolean finished);

    static ProgressListener none() {
        return (stages, finished) -> {};
    }
}

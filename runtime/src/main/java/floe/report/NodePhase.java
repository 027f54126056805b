package floe.report;

import floe.model.Phase;

/**
 * A node's phase as Argo's UI shows it (its {@code NodePhase}): a task's, a stage's or the run's.
 * {@link #code()} is the one letter a page's task list spells it with.
 */
public enum NodePhase {
    PENDING("Pending", 'P'),
    RUNNING("Running", 'R'),
    SUCCEEDED("Succeeded", 'S'),
    SKIPPED("Skipped", 'K'),
    FAILED("Failed", 'F'),
    ERROR("Error", 'E'),
    /** Not run because the run ended first (Argo's phase of a node that was never reached). */
    OMITTED("Omitted", 'O');

    private final String argoName;
    private final char code;

    NodePhase(String argoName, char code) {
        this.argoName = argoName;
        this.code = code;
    }

    /** As Argo spells it: {@code Succeeded}, {@code Failed}, ... */
    public String argoName() {
        return argoName;
    }

    /** One letter per phase, for compact lists of thousands of tasks. */
    public char code() {
        return code;
    }

    /** The phase of a finished task. */
    public static NodePhase of(Phase phase) {
        return switch (phase) {
            case SUCCEEDED -> SUCCEEDED;
            case SKIPPED -> SKIPPED;
            case FAILED -> FAILED;
        };
    }

    @Override
    public String toString() {
        return argoName;
    }
}

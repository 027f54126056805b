package floe.model;

/** How a task ended, spelled as Argo spells a node's phase when shown ({@link #argoName()}). */
public enum Phase {
    SUCCEEDED("Succeeded"),
    SKIPPED("Skipped"),
    FAILED("Failed");

    private final String argoName;

    Phase(String argoName) {
        this.argoName = argoName;
    }

    /** {@code Succeeded}, {@code Skipped} or {@code Failed}: the spelling of completions, progress and Argo's variables. */
    public String argoName() {
        return argoName;
    }

    /** The phase spelled {@code name} as {@link #argoName()} gives it. */
    public static Phase ofArgoName(String name) {
        for (Phase p : values()) {
            if (p.argoName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no task phase '" + name + "' (known: Succeeded, Skipped, Failed)");
    }

    @Override
    public String toString() {
        return argoName;
    }
}

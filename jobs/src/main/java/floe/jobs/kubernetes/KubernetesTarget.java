package floe.jobs.kubernetes;

import floe.SpecException;

import java.util.Arrays;

/** Where a submission goes on Kubernetes, named as Flink's {@code execution.target} names it. */
public enum KubernetesTarget {
    /** A cluster of its own for the one workflow, started for it and gone when it ends. */
    APPLICATION("kubernetes-application"),
    /** A long-running session cluster (started on first use), to which the workflow is submitted. */
    SESSION("kubernetes-session");

    private final String flinkName;

    KubernetesTarget(String flinkName) {
        this.flinkName = flinkName;
    }

    /** Flink's name for it ({@code execution.target}). */
    public String flinkName() {
        return flinkName;
    }

    /** {@code kubernetes-application} or {@code kubernetes-session}. */
    public static KubernetesTarget named(String name) {
        return Arrays.stream(values()).filter(t -> t.flinkName.equals(name)).findFirst()
                .orElseThrow(() -> new SpecException("--target " + name + ": not a Kubernetes target (known: kubernetes-application, kubernetes-session)"));
    }

    @Override
    public String toString() {
        return flinkName;
    }
}

package floe.jobs.submit;

import floe.SpecException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where {@code floe submit} sends a job ({@code --target}). The REST target submits the jobs jar
 * through a {@link Submitter}; the Kubernetes targets deploy through Flink's Kubernetes client
 * ({@code floe.jobs.kubernetes.KubernetesSubmit}), which ships the workflow with the cluster.
 */
public enum SubmitTarget {
    /** A running Flink cluster's REST API ({@code --rest URL}): a session cluster. */
    REST("rest"),
    /** A Flink session cluster on Kubernetes (native mode). */
    KUBERNETES_SESSION("kubernetes-session"),
    /** A Flink application cluster on Kubernetes, started for this job (native mode). */
    KUBERNETES_APPLICATION("kubernetes-application");

    private final String label;

    SubmitTarget(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The target a user names on the command line, e.g. {@code rest}. */
    public static SubmitTarget named(String label) {
        return Arrays.stream(values()).filter(t -> t.label.equals(label)).findFirst()
                .orElseThrow(() -> new SpecException("--target " + label + ": no such target (known: "
                        + Arrays.stream(values()).map(SubmitTarget::label).collect(Collectors.joining(", ")) + ")"));
    }

    /** The submitter for this target, configured by the command's options. */
    public Submitter submitter(SubmitOptions options) {
        return switch (this) {
            case REST -> RestSubmitter.connect(options);
            case KUBERNETES_SESSION, KUBERNETES_APPLICATION -> throw new IllegalStateException(
                    "--target " + label + " deploys through Flink's Kubernetes client (floe.jobs.kubernetes.KubernetesSubmit), not a jar over REST");
        };
    }
}

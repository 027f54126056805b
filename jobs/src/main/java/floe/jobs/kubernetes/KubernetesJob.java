package floe.jobs.kubernetes;

import floe.jobs.spec.ShippedSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * What runs on the cluster: a workflow file shipped with the submission, or a {@code floe}
 * command line (e.g. the tree merge over OSS paths).
 *
 * <pre>{@code
 * KubernetesJob.workflow(ShippedSpec.of(...));
 * KubernetesJob.floe("tree-merge", "--input", "oss://b/in", "--work", "oss://b/work", "--output", "oss://b/out");
 * }</pre>
 */
public record KubernetesJob(ShippedSpec spec, List<String> floeArgs) {

    public KubernetesJob {
        floeArgs = List.copyOf(floeArgs);
        if ((spec == null) == floeArgs.isEmpty()) {
            throw new IllegalArgumentException("a Kubernetes job is either a workflow or a floe command line");
        }
    }

    public static KubernetesJob workflow(ShippedSpec spec) {
        return new KubernetesJob(spec, List.of());
    }

    public static KubernetesJob floe(String... args) {
        return new KubernetesJob(null, List.of(args));
    }

    /** The program arguments of {@link ClusterMain}. */
    List<String> programArgs() {
        List<String> args = new ArrayList<>();
        if (spec != null) {
            args.add(ClusterMain.WORKFLOW);
            args.add(spec.encode());
        } else {
            args.add(ClusterMain.FLOE);
            args.addAll(floeArgs);
        }
        return args;
    }

    @Override
    public String toString() {
        return spec != null ? "workflow " + spec.name() : "floe " + String.join(" ", floeArgs);
    }
}

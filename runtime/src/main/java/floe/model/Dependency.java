package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a stage waits on an upstream stage: {@code all} (a barrier on every upstream task, as Argo
 * steps and Batch {@code dependsOn} mean) or {@code pointwise} (task {@code j} needs upstream tasks
 * {@code k·j .. k·j+k-1} only, as a tree merge or Batch {@code N_TO_N} does).
 */
public record Dependency(String upstream, Kind kind, int fanIn) implements Serializable {

    /** The two shapes of dependency. */
    public enum Kind {
        ALL,
        POINTWISE
    }

    public Dependency {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.POINTWISE && fanIn < 1) {
            throw new SpecException("pointwise dependency on '" + upstream + "': fan-in must be at least 1, got " + fanIn);
        }
        if (kind == Kind.ALL) {
            fanIn = 0;
        }
    }

    /** Every task waits for every task of {@code upstream}. */
    public static Dependency all(String upstream) {
        return new Dependency(upstream, Kind.ALL, 0);
    }

    /** Task {@code j} waits for upstream tasks {@code fanIn·j .. fanIn·j+fanIn-1}. */
    public static Dependency pointwise(String upstream, int fanIn) {
        return new Dependency(upstream, Kind.POINTWISE, fanIn);
    }

    /** First upstream task that downstream task {@code task} needs (pointwise only). */
    public int firstUpstream(int task) {
        return fanIn * task;
    }

    /** One past the last upstream task that downstream task {@code task} needs (pointwise only). */
    public int endUpstream(int task, int upstreamTasks) {
        return Math.min(fanIn * task + fanIn, upstreamTasks);
    }

    @Override
    public String toString() {
        return kind == Kind.ALL ? "all(" + upstream + ")" : "pointwise(" + upstream + ", " + fanIn + ")";
    }
}

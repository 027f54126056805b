package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a stage waits on an upstream stage: {@code all} (a barrier on every upstream task, as Argo
 * steps and Batch {@code dependsOn} mean) or {@code pointwise} (task {@code j} needs upstream tasks
 * {@code k·j .. k·j+k-1} only, as a tree merge or Batch {@code N_TO_N} does).
 */
public record Dependency(String upstream, Kind kind, int fanIn, int fanOut) implements Serializable {

    /** The shapes of dependency. */
    public enum Kind {
        ALL,
        POINTWISE,
        /**
         * Groups: downstream tasks {@code m·g .. m·g+m-1} (group {@code g}) each need upstream tasks
         * {@code k·g .. k·g+k-1}; how the instances of a looped Argo steps or dag template wait on
         * one another inside each instance.
         */
        GROUPED
    }

    public Dependency {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.POINTWISE && fanIn < 1) {
            throw new SpecException("pointwise dependency on '" + upstream + "': fan-in must be at least 1, got " + fanIn);
        }
        if (kind == Kind.GROUPED && (fanIn < 1 || fanOut < 1)) {
            throw new SpecException("grouped dependency on '" + upstream + "': groups must have at least 1 task on each side, got "
                    + fanIn + " upstream and " + fanOut + " downstream");
        }
        if (kind == Kind.ALL) {
            fanIn = 0;
        }
        if (kind != Kind.GROUPED) {
            fanOut = kind == Kind.ALL ? 0 : 1;
        }
    }

    public Dependency(String upstream, Kind kind, int fanIn) {
        this(upstream, kind, fanIn, kind == Kind.POINTWISE ? 1 : 0);
    }

    /** Every task waits for every task of {@code upstream}. */
    public static Dependency all(String upstream) {
        return new Dependency(upstream, Kind.ALL, 0);
    }

    /** Task {@code j} waits for upstream tasks {@code fanIn·j .. fanIn·j+fanIn-1}. */
    public static Dependency pointwise(String upstream, int fanIn) {
        return new Dependency(upstream, Kind.POINTWISE, fanIn);
    }

    /**
     * Downstream tasks {@code downstreamPerGroup·g ..} need upstream tasks {@code upstreamPerGroup·g ..}: a
     * pointwise dependency when each group has one downstream task, else {@link Kind#GROUPED}.
     */
    public static Dependency grouped(String upstream, int upstreamPerGroup, int downstreamPerGroup) {
        return downstreamPerGroup == 1 ? pointwise(upstream, upstreamPerGroup)
                : new Dependency(upstream, Kind.GROUPED, upstreamPerGroup, downstreamPerGroup);
    }

    /** First upstream task that downstream task {@code task} needs (pointwise and grouped only). */
    public int firstUpstream(int task) {
        return fanIn * (task / fanOut);
    }

    /** One past the last upstream task that downstream task {@code task} needs (pointwise and grouped only). */
    public int endUpstream(int task, int upstreamTasks) {
        return Math.min(firstUpstream(task) + fanIn, upstreamTasks);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all(" + upstream + ")";
            case POINTWISE -> "pointwise(" + upstream + ", " + fanIn + ")";
            case GROUPED -> "grouped(" + upstream + ", " + fanIn + ":" + fanOut + ")";
        };
    }
}

package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A workflow: named stages of tasks in dependency order. Every front-end (Java, Argo, Batch)
 * produces one; the compiler turns it into a Flink batch job.
 *
 * <pre>{@code
 * Workflow wf = Workflow.named("process-data")
 *     .stage("process-data-l1", s -> s.withSequence(64).run(ctx -> process(ctx.index(), 1)))
 *     .stage("process-data-l2", s -> s.withSequence(32).pointwise("process-data-l1", 2)
 *                                      .run(ctx -> process(ctx.index(), 2)))
 *     .stage("merge-data", s -> s.after("process-data-l2").run(ctx -> merge(0, 32)))
 *     .build();
 * }</pre>
 */
public record Workflow(String name, List<Stage> stages, SortedMap<String, String> parameters, Workflow onExit,
        java.time.Duration deadline, int parallelism, List<Lock> locks, String hold)
        implements Serializable {

    /**
     * The parameter an exit handler's tasks find the workflow's outcome in: {@code Succeeded} or
     * {@code Failed} (Argo's {@code {{workflow.status}}}).
     */
    public static final String STATUS_PARAMETER = "floe.workflow.status";

    /**
     * The parameter an exit handler's tasks find the failed tasks in: a JSON list of objects
     * ({@code displayName}, {@code message}, {@code templateName}, {@code phase}, {@code podName},
     * {@code finishedAt}), absent when none failed (Argo's {@code {{workflow.failures}}}: Floe lists
     * the task that failed the run, where Argo lists every failed node).
     */
    public static final String FAILURES_PARAMETER = "floe.workflow.failures";

    public Workflow {
        Names.check("workflow", name);
        stages = List.copyOf(stages);
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        validate(name, stages);
        Objects.requireNonNull(deadline, "deadline");
        locks = locks == null ? List.of() : List.copyOf(locks);
        if (parallelism < 0) {
            throw new SpecException("workflow '" + name + "': parallelism must be zero (no limit) or positive, got " + parallelism);
        }
        if (deadline.isNegative()) {
            throw new SpecException("workflow '" + name + "': deadline must not be negative, got " + deadline);
        }
        if (onExit != null && onExit.onExit() != null) {
            throw new SpecException("workflow '" + name + "': its exit handler '" + onExit.name() + "' has an exit handler of its own");
        }
    }

    /** As above, with no hold file. */
    public Workflow(String name, List<Stage> stages, SortedMap<String, String> parameters, Workflow onExit,
            java.time.Duration deadline, int parallelism, List<Lock> locks) {
        this(name, stages, parameters, onExit, deadline, parallelism, locks, null);
    }

    public boolean hasDeadline() {
        return !deadline.isZero();
    }

    /** This workflow without its exit handler: what runs first. */
    public Workflow withoutOnExit() {
        return new Workflow(name, stages, parameters, null, deadline, parallelism, locks, hold);
    }

    /** A copy with one more parameter (the runner gives an exit handler the outcome this way). */
    public Workflow withParameter(String key, String value) {
        TreeMap<String, String> more = new TreeMap<>(parameters);
        more.put(key, value);
        return new Workflow(name, stages, more, onExit, deadline, parallelism, locks, hold);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public Stage stage(String stageName) {
        for (Stage s : stages) {
            if (s.name().equals(stageName)) {
                return s;
            }
        }
        throw new SpecException("workflow '" + name + "': no stage '" + stageName + "' (known: " + known(stages) + ")");
    }

    /** The stages that name {@code stageName} in a dependency. */
    public List<Stage> downstreamOf(String stageName) {
        return stages.stream()
                .filter(s -> s.dependencies().stream().anyMatch(d -> d.upstream().equals(stageName)))
                .collect(Collectors.toList());
    }

    private static void validate(String workflow, List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new SpecException("workflow '" + workflow + "': no stages");
        }
        Map<String, Stage> seen = new LinkedHashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            String path = "stages[" + i + "] '" + stage.name() + "'";
            if (seen.containsKey(stage.name())) {
                throw new SpecException("workflow '" + workflow + "': " + path + ": stage name used twice");
            }
            Set<String> upstreams = new HashSet<>();
            for (Dependency d : stage.dependencies()) {
                Stage up = seen.get(d.upstream());
                if (up == null) {
                    String hint = d.upstream().equals(stage.name()) || stages.stream().noneMatch(s -> s.name().equals(d.upstream()))
                            ? "known: " + known(new ArrayList<>(seen.values()))
                            : "it is declared later: declare stages after the stages they depend on";
                    throw new SpecException("workflow '" + workflow + "': " + path + ": depends on '"
                            + d.upstream() + "', no such earlier stage (" + hint + ")");
                }
                if (!upstreams.add(d.upstream())) {
                    throw new SpecException("workflow '" + workflow + "': " + path + ": depends on '" + d.upstream() + "' twice");
                }
                if (d.kind() != Dependency.Kind.ALL && up.isDynamic()) {
                    throw new SpecException("workflow '" + workflow + "': " + path + ": pointwise on '" + d.upstream()
                            + "', whose number of tasks is only known at run time: depend on all of it (after)");
                }
                if (d.kind() == Dependency.Kind.GROUPED && (stage.tasks() % d.fanOut() != 0
                        || (long) stage.tasks() / d.fanOut() * d.fanIn() != up.tasks())) {
                    throw new SpecException(String.format("workflow '%s': %s: %s: %d upstream tasks in groups of %d and %d tasks"
                            + " in groups of %d are not the same number of groups", workflow, path, d, up.tasks(), d.fanIn(),
                            stage.tasks(), d.fanOut()));
                }
                if (d.kind() == Dependency.Kind.POINTWISE) {
                    int needed = (up.tasks() + d.fanIn() - 1) / d.fanIn();
                    if (needed != stage.tasks()) {
                        throw new SpecException(String.format(
                                "workflow '%s': %s: pointwise(%s, %d) over %d upstream tasks needs %d tasks, the stage has %d"
                                        + " (every upstream task must feed exactly one task: use withSequence(%d) or fan-in %d)",
                                workflow, path, d.upstream(), d.fanIn(), up.tasks(), needed, stage.tasks(),
                                needed, (up.tasks() + stage.tasks() - 1) / stage.tasks()));
                    }
                }
            }
            seen.put(stage.name(), stage);
        }
    }

    private static String known(List<Stage> stages) {
        return stages.isEmpty() ? "none" : stages.stream().map(Stage::name).collect(Collectors.joining(", "));
    }

    /** Builds a {@link Workflow}; stages are added in dependency order, {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final List<Stage> stages = new ArrayList<>();
        private final SortedMap<String, String> parameters = new TreeMap<>();
        private Workflow onExit;
        private java.time.Duration deadline = java.time.Duration.ZERO;
        private int parallelism;
        private List<Lock> locks = List.of();
        private String hold;

        private Builder(String name) {
            this.name = name;
        }

        /** A workflow parameter every task sees in {@link TaskContext#parameters()}. */
        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds the stage {@code name}, configured by {@code spec}. */
        public Builder stage(String stageName, UnaryOperator<Stage.Builder> spec) {
            stages.add(spec.apply(Stage.named(stageName)).build());
            return this;
        }

        public Builder stage(Stage stage) {
            stages.add(Objects.requireNonNull(stage, "stage"));
            return this;
        }

        /**
         * A workflow that runs after this one ends, whether it succeeded or failed (Argo
         * {@code onExit}); its tasks see the outcome as {@link #STATUS_PARAMETER}.
         */
        public Builder onExit(Workflow handler) {
            this.onExit = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The whole run may take at most this long, then it is stopped and fails (Argo workflow {@code activeDeadlineSeconds}); zero: no limit. */
        public Builder deadline(java.time.Duration deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /**
         * At most {@code parallelism} tasks of the whole workflow run at once (Argo workflow
         * {@code parallelism}); zero: no limit. Each stage runs at most that many tasks at once, and
         * all the tasks running in one TaskManager share that many places: exact on the embedded
         * Flink, per TaskManager on a cluster of several.
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * The run holds {@code locks} from its start to its end, its exit handler included (Argo's
         * workflow-level {@code synchronization}): taken by the process that runs the workflow.
         */
        public Builder locks(List<Lock> locks) {
            this.locks = List.copyOf(locks);
            return this;
        }

        /**
         * While the file {@code hold} exists, no task of the workflow starts (those running go on
         * to their end): Argo's {@code spec.suspend} set on a running workflow, the file written
         * and removed by whoever suspends and resumes it (a process of the same machine).
         */
        public Builder hold(String hold) {
            this.hold = hold;
            return this;
        }

        public Workflow build() {
            return new Workflow(name, stages, parameters, onExit, deadline, parallelism, locks, hold);
        }
    }
}

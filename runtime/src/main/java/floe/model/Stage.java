package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A named set of {@code tasks} tasks made from one body with a fan-out, its dependencies on
 * earlier stages, and how each task is retried, timed out and sized.
 */
public record Stage(
        String name,
        int tasks,
        TaskBody body,
        List<Dependency> dependencies,
        RetryPolicy retry,
        Duration timeout,
        Resources resources,
        SortedMap<String, String> parameters,
        int parallelism,
        boolean continueOnFailure,
        TaskCounter dynamicTasks)
        implements Serializable {

    public Stage {
        Names.check("stage", name);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(resources, "resources");
        if (tasks < 1) {
            throw new SpecException("stage '" + name + "': tasks must be at least 1, got " + tasks);
        }
        if (parallelism < 0) {
            throw new SpecException("stage '" + name + "': parallelism must be zero (no limit) or positive, got " + parallelism);
        }
        if (timeout.isNegative()) {
            throw new SpecException("stage '" + name + "': timeout must not be negative, got " + timeout);
        }
        dependencies = List.copyOf(dependencies);
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    /** Starts a stage; {@code Workflow.Builder#stage} is the usual way in. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    public boolean hasTimeout() {
        return !timeout.isZero();
    }

    /** Whether the number of tasks is worked out at run time; {@link #tasks()} is then the most it may be. */
    public boolean isDynamic() {
        return dynamicTasks != null;
    }

    /** Builds a {@link Stage}; every setter returns this builder, {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private int tasks = 1;
        private TaskBody body;
        private final List<Dependency> dependencies = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.none();
        private Duration timeout = Duration.ZERO;
        private Resources resources = Resources.none();
        private final SortedMap<String, String> parameters = new TreeMap<>();
        private int parallelism;
        private boolean continueOnFailure;
        private TaskCounter dynamicTasks;

        private Builder(String name) {
            this.name = name;
        }

        /** {@code count} tasks with indices {@code 0 .. count-1} (Argo {@code withSequence.count}). */
        public Builder withSequence(int count) {
            this.tasks = count;
            return this;
        }

        /**
         * As many tasks as {@code counter} works out from the upstream tasks' completions when the
         * stage starts, at most {@code max}. Such a stage depends on whole stages ({@link #after}).
         */
        public Builder withTasksFrom(int max, TaskCounter counter) {
            this.tasks = max;
            this.dynamicTasks = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /** Runs after every task of {@code upstream} (Argo steps, Batch {@code dependsOn}). */
        public Builder after(String upstream) {
            dependencies.add(Dependency.all(upstream));
            return this;
        }

        /** Task {@code j} runs once upstream tasks {@code fanIn·j .. fanIn·j+fanIn-1} are done. */
        public Builder pointwise(String upstream, int fanIn) {
            dependencies.add(Dependency.pointwise(upstream, fanIn));
            return this;
        }

        public Builder dependsOn(Dependency dependency) {
            dependencies.add(Objects.requireNonNull(dependency, "dependency"));
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Each attempt of each task may run at most this long; zero means no limit. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder resources(double cpu, int memoryMb) {
            this.resources = Resources.of(cpu, memoryMb);
            return this;
        }

        /**
         * At most {@code parallelism} of this stage's tasks run at once (Argo {@code parallelism});
         * 1 runs them one after another in index order (Batch {@code SEQUENTIAL}). Zero: no limit.
         */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * A task that fails on every attempt does not fail the workflow: it completes with the
         * {@code phase} output {@code Failed} (Argo {@code continueOn.failed}).
         */
        public Builder continueOnFailure(boolean continueOnFailure) {
            this.continueOnFailure = continueOnFailure;
            return this;
        }

        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder run(TaskFunction function) {
            this.body = new JavaTask(function);
            return this;
        }

        /** Runs {@code argv} as a process, the same for every task. */
        public Builder command(String... argv) {
            this.body = CommandTask.of(Command.of(argv));
            return this;
        }

        /** Runs the command {@code command} works out for each task. */
        public Builder command(CommandFunction command) {
            this.body = new CommandTask(command);
            return this;
        }

        public Builder body(TaskBody body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        public Stage build() {
            if (body == null) {
                throw new SpecException("stage '" + name + "': nothing to run (call run(...) with the task's function)");
            }
            if (dynamicTasks != null && (dependencies.isEmpty()
                    || dependencies.stream().anyMatch(d -> d.kind() != Dependency.Kind.ALL))) {
                throw new SpecException("stage '" + name + "': its number of tasks comes from upstream outputs, so it must run"
                        + " after whole stages (after(...)), not pointwise");
            }
            return new Stage(name, tasks, body, dependencies, retry, timeout, resources, parameters, parallelism,
                    continueOnFailure, dynamicTasks);
        }
    }
}

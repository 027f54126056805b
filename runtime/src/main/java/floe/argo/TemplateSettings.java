package floe.argo;

import floe.expr.Templates;
import floe.model.RetryCondition;
import floe.model.RetryPolicy;
import floe.model.Stage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import floe.argo.ArgoConverter.ArgoError;

/**
 * What a template or step says about its tasks, read into a stage: the loop ({@code withSequence},
 * {@code withItems}), retries, deadlines and resources; and the fields Floe refuses, by path.
 */
final class TemplateSettings {
    private TemplateSettings() {}

    /** Whether a step's {@code withSequence} is sized by earlier steps' outputs: known only when the step starts. */
    static boolean lateSequence(ArgoSpec.Step step) {
        ArgoSpec.Sequence s = step.withSequence();
        return s != null && java.util.stream.Stream.of(s.count(), s.start(), s.end())
                .anyMatch(text -> text != null && Expansion.OUTPUT_REF.matcher(text).find());
    }

    static List<Object> items(ArgoSpec.Step step, String stepPath, Map<String, String> globals) {
        int loops = (step.withSequence() != null ? 1 : 0) + (step.withItems() != null ? 1 : 0) + (step.withParam() != null ? 1 : 0);
        if (loops > 1) {
            throw new ArgoError(stepPath, "more than one of withSequence, withItems and withParam given; use one");
        }
        if (step.withParam() != null) {
            return List.of(); // known when the step starts
        }
        if (step.withItems() != null) {
            if (step.withItems().isEmpty()) {
                throw new ArgoError(stepPath + ".withItems", "empty list: the step would run no task");
            }
            return new ArrayList<>(step.withItems().stream().map(i -> i instanceof Map ? (Object) new TreeMap<>((Map<?, ?>) i) : String.valueOf(i)).toList());
        }
        ArgoSpec.Sequence seq = step.withSequence();
        if (seq == null) {
            return List.of();
        }
        String path = stepPath + ".withSequence";
        long start = seq.start() == null ? 0 : integer(Templates.resolve(seq.start(), globals, path + ".start"), path + ".start");
        long end;
        if (seq.count() != null && seq.end() != null) {
            throw new ArgoError(path, "count and end both given; use one");
        } else if (seq.count() != null) {
            long count = integer(Templates.resolve(seq.count(), globals, path + ".count"), path + ".count");
            if (count < 1 || count > 1_000_000) {
                throw new ArgoError(path + ".count", "must be 1..1000000, got " + count);
            }
            end = start + count - 1;
        } else if (seq.end() != null) {
            end = integer(Templates.resolve(seq.end(), globals, path + ".end"), path + ".end");
        } else {
            throw new ArgoError(path, "give count or end");
        }
        if (Math.abs(end - start) >= 1_000_000) {
            throw new ArgoError(path, "from " + start + " to " + end + " is more than 1000000 items");
        }
        Sequence values = new Sequence(start, end >= start ? 1 : -1, (int) Math.abs(end - start) + 1, seq.format());
        try {
            values.get(0);
        } catch (java.util.IllegalFormatException e) {
            throw new ArgoError(path + ".format", "'" + seq.format() + "' cannot format a number: " + e.getMessage());
        }
        return values;
    }

    /**
     * The items of a {@code withSequence}, worked out when asked for: a stage of a million tasks
     * carries four numbers and a format, not a million strings.
     */
    static final class Sequence extends java.util.AbstractList<Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final long start;
        private final int increment;
        private final int size;
        private final String format;

        Sequence(long start, int increment, int size, String format) {
            this.start = start;
            this.increment = increment;
            this.size = size;
            this.format = format;
        }

        @Override
        public Object get(int index) {
            java.util.Objects.checkIndex(index, size);
            long v = start + (long) index * increment;
            return format == null ? Long.toString(v) : String.format(format, v);
        }

        @Override
        public int size() {
            return size;
        }
    }

    static void retry(ArgoSpec.Template t, String path, Map<String, String> globals, Stage.Builder stage) {
        ArgoSpec.RetryStrategy r = t.retryStrategy();
        if (r == null) {
            return;
        }
        // No limit: Argo retries until the step succeeds (retryStrategy: {}).
        long limit = r.limit() == null ? Integer.MAX_VALUE - 1
                : integer(Templates.resolve(r.limit(), globals, path + ".retryStrategy.limit"), path + ".retryStrategy.limit");
        if (limit < 0) {
            throw new ArgoError(path + ".retryStrategy.limit", "must not be negative, got " + limit);
        }
        RetryCondition condition = ArgoRetryPolicy.named(r.retryPolicy() == null ? "OnFailure" : r.retryPolicy(),
                path + ".retryStrategy.retryPolicy");
        if (r.expression() != null) {
            ArgoRetryExpression expression = new ArgoRetryExpression(r.expression(), path + ".retryStrategy.expression", condition);
            expression.check();
            condition = expression;
        }
        RetryPolicy policy = RetryPolicy.attempts((int) Math.min(Integer.MAX_VALUE, limit + 1)).onlyIf(condition);
        if (r.backoff() != null && r.backoff().duration() != null) {
            String where = path + ".retryStrategy.backoff";
            double factor = r.backoff().factor() == null ? 1.0 : Double.parseDouble(r.backoff().factor());
            // Argo's cap bounds each wait; its maxDuration, the time within which retries may start.
            Duration cap = r.backoff().cap() == null ? Duration.ZERO : Quantities.duration(r.backoff().cap(), where + ".cap");
            policy = policy.withBackoff(Quantities.duration(r.backoff().duration(), where + ".duration"), factor, cap);
        }
        if (r.backoff() != null && r.backoff().maxDuration() != null) {
            policy = policy.within(Quantities.duration(r.backoff().maxDuration(), path + ".retryStrategy.backoff.maxDuration"));
        }
        stage.retry(policy);
    }

    static void timeout(ArgoSpec.Template t, String path, Stage.Builder stage) {
        if (t.activeDeadlineSeconds() != null) {
            stage.timeout(Quantities.duration(t.activeDeadlineSeconds(), path + ".activeDeadlineSeconds"));
        } else if (t.timeout() != null) {
            stage.timeout(Quantities.duration(t.timeout(), path + ".timeout"));
        }
    }

    /**
     * A task's slot, as Kubernetes reckons a pod's: its {@code podResources} (the template's or the
     * workflow's) when given; else the main container's and its sidecars' together (they run at
     * once), or the most an init container asks for, if that is more (they run one at a time,
     * before). Each asks for its requests, else its limits.
     */
    static void resources(ArgoSpec.Template t, String templatePath, String kind, Stage.Builder stage) {
        double[] running;
        double[] before = {0, 0};
        if (t.podResources() != null) {
            running = asked(t.podResources(), templatePath + ".podResources");
        } else {
            running = new double[] {0, 0};
            if (t.containerSet() != null) {
                // All containers of a set are started at once (each waits for its dependencies): Argo asks for their sum.
                List<ArgoSpec.ContainerNode> nodes = t.containerSet().containers();
                for (int i = 0; i < nodes.size(); i++) {
                    double[] a = asked(nodes.get(i).resources(), templatePath + ".containerSet.containers[" + i + "].resources");
                    running = new double[] {running[0] + a[0], running[1] + a[1]};
                }
            } else {
                running = asked(t.main().resources(), templatePath + "." + kind + ".resources");
            }
            List<ArgoSpec.UserContainer> sidecars = t.sidecars() == null ? List.of() : t.sidecars();
            for (int i = 0; i < sidecars.size(); i++) {
                double[] a = asked(sidecars.get(i).resources(), templatePath + ".sidecars[" + i + "].resources");
                running = new double[] {running[0] + a[0], running[1] + a[1]};
            }
            List<ArgoSpec.UserContainer> init = t.initContainers() == null ? List.of() : t.initContainers();
            for (int i = 0; i < init.size(); i++) {
                double[] a = asked(init.get(i).resources(), templatePath + ".initContainers[" + i + "].resources");
                before = new double[] {Math.max(before[0], a[0]), Math.max(before[1], a[1])};
            }
        }
        double cpu = Math.max(running[0], before[0]);
        int memory = (int) Math.max(running[1], before[1]);
        if (cpu > 0 || memory > 0) {
            stage.resources(cpu, memory);
        }
    }

    /** What {@code r} (at {@code path}) asks for: its requests, else its limits; {CPU, memory in MB}, 0 where it asks for none. */
    private static double[] asked(ArgoSpec.ResourceRequirements r, String path) {
        if (r == null) {
            return new double[] {0, 0};
        }
        Map<String, String> asked = r.requests() != null ? r.requests() : r.limits();
        if (asked == null) {
            return new double[] {0, 0};
        }
        String where = path + "." + (r.requests() != null ? "requests" : "limits");
        double cpu = asked.containsKey("cpu") ? Quantities.cpu(asked.get("cpu"), where + ".cpu") : 0;
        int memory = asked.containsKey("memory") ? Quantities.memoryMb(asked.get("memory"), where + ".memory") : 0;
        return new double[] {cpu, memory};
    }

    static void unsupportedTemplateFields(ArgoSpec.Template t, String path) {
        if (t.outputs() != null) {
            if (!t.runsContainers()) {
                unsupported(path + ".outputs.artifacts", t.outputs().artifacts());
            }
            // An http or suspend template's output parameters are checked with its action (ArgoActions).
            List<ArgoSpec.Parameter> ps = t.outputs().parameters() == null || ArgoActions.runs(t) ? List.of() : t.outputs().parameters();
            for (int i = 0; i < ps.size(); i++) {
                String where = path + ".outputs.parameters[" + i + "]";
                Map<String, Object> from = ps.get(i).valueFrom();
                if (from != null && from.containsKey("supplied")) {
                    throw new ArgoError(where + ".valueFrom.supplied", "only a suspend template's outputs are supplied (by floe resume"
                            + " -p NAME=VALUE); template '" + t.name() + "' runs a " + (t.container() != null ? "container" : "script"));
                }
                if (from != null && from.containsKey("event")) {
                    throw new ArgoError(where + ".valueFrom.event", "a value from the event that started the workflow is not"
                            + " supported by Floe: pass it as a workflow parameter (-p NAME=VALUE)");
                }
                if (from != null && (from.containsKey("jsonPath") || from.containsKey("jqFilter"))) {
                    throw new ArgoError(where + ".valueFrom." + (from.containsKey("jsonPath") ? "jsonPath" : "jqFilter"),
                            "reads the object a resource template made: a container or script template's outputs come from"
                            + " files (valueFrom.path)");
                }
                if (from == null || !(from.get("path") instanceof String p) || !p.startsWith("/")) {
                    throw new ArgoError(where + ".valueFrom", "give valueFrom.path, an absolute path in the container"
                            + " (other sources are not supported by Floe yet)");
                }
                for (String key : from.keySet()) {
                    if (!key.equals("path") && !key.equals("default")) {
                        throw new ArgoError(where + ".valueFrom." + key, "not supported by Floe yet (use path and default)");
                    }
                }
            }
        }
        if (t.http() != null && t.suspend() != null) {
            throw new ArgoError(path + ".suspend", "a template is one kind: http or suspend, not both");
        }
        if (ArgoActions.runs(t) && (t.container() != null || t.script() != null || t.containerSet() != null || t.resource() != null)) {
            throw new ArgoError(path + (t.http() != null ? ".http" : ".suspend"), "a template is one kind: "
                    + (t.http() != null ? "http" : "suspend") + " or " + (t.container() != null ? "container" : t.script() != null ? "script" : t.containerSet() != null ? "containerSet" : "resource") + ", not both");
        }
        if (ArgoActions.runs(t) && (t.initContainers() != null || t.sidecars() != null)) {
            throw new ArgoError(path + (t.initContainers() != null ? ".initContainers" : ".sidecars"), "an http or suspend template"
                    + " runs no container to run others beside or before");
        }
        if (t.inputs() != null) {
            if (!t.runsContainers()) {
                unsupported(path + ".inputs.artifacts", t.inputs().artifacts());
            }
        }
    }

    /**
     * What a resource template may say besides its resource: no pod of its own, so nothing that
     * sets up one (volumes, init containers, sidecars, pod resources), and no artifacts; memoizing
     * and locking it are not supported yet. Its output parameters are checked by {@link ArgoResource}.
     */
    static void resourceTemplateFields(ArgoSpec.Template t, String path) {
        Map<String, Object> refused = new java.util.LinkedHashMap<>();
        refused.put("volumes", t.volumes());
        refused.put("initContainers", t.initContainers());
        refused.put("sidecars", t.sidecars());
        refused.put("podResources", t.podResources());
        refused.put("inputs.artifacts", t.inputs() == null ? null : t.inputs().artifacts());
        refused.put("outputs.artifacts", t.outputs() == null ? null : t.outputs().artifacts());
        if (t.memoize() != null || t.synchronization() != null) {
            throw new ArgoError(path + (t.memoize() != null ? ".memoize" : ".synchronization"), "not supported by Floe yet for a"
                    + " resource template");
        }
        refused.forEach((field, value) -> {
            if (value != null) {
                throw new ArgoError(path + "." + field, "not supported by Floe for a resource template (it runs no pod: Floe"
                        + " sends the object to the API server itself)");
            }
        });
    }

    /** The kind of a template that is neither container, script, steps nor dag: {@code resource}, {@code suspend} or {@code none}. */
    static String otherKind(ArgoSpec.Template t) {
        return t.resource() != null ? "resource" : t.suspend() != null ? "suspend" : "none";
    }

    /** What a steps or dag template may say: its outputs come from its steps ({@code valueFrom.parameter} or {@code expression}). */
    static void nestedTemplateFields(ArgoSpec.Template t, String path) {
        if (t.isDaemon()) {
            throw new ArgoError(path + ".daemon", "a steps or dag template cannot be a daemon: give daemon: true to the container"
                    + " or script template that runs the service");
        }
        List<ArgoSpec.Parameter> outs = t.outputs() == null || t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
        for (int i = 0; i < outs.size(); i++) {
            if (outs.get(i).globalName() != null) {
                throw new ArgoError(path + ".outputs.parameters[" + i + "].globalName", "a global output of a steps or dag template"
                        + " is not supported by Floe yet (give globalName to the container or script template's output)");
            }
        }
        if (t.synchronization() != null) {
            throw new ArgoError(path + ".synchronization", "a lock held by a whole steps or dag template is not supported by Floe"
                    + " yet (give synchronization to the container or script templates it runs, or to the workflow)");
        }
        if (t.memoize() != null) {
            throw new ArgoError(path + ".memoize", "memoizing a whole steps or dag template is not supported by Floe yet"
                    + " (memoize the container or script templates it runs)");
        }
        if (t.initContainers() != null || t.sidecars() != null) {
            throw new ArgoError(path + (t.initContainers() != null ? ".initContainers" : ".sidecars"), "a steps or dag template"
                    + " runs no container of its own to run beside or before: give init containers and sidecars to the"
                    + " container or script templates it runs");
        }
        if (t.retryStrategy() != null) {
            throw new ArgoError(path + ".retryStrategy", "retrying a whole steps or dag template is not supported by Floe yet"
                    + " (give retryStrategy to the container or script templates it runs)");
        }
        if (t.activeDeadlineSeconds() != null || t.timeout() != null) {
            throw new ArgoError(path + (t.timeout() != null ? ".timeout" : ".activeDeadlineSeconds"), "a deadline for a whole steps"
                    + " or dag template is not supported by Floe yet (give it to the container or script templates it runs)");
        }
        if (t.inputs() != null && t.inputs().artifacts() != null) {
            for (int i = 0; i < t.inputs().artifacts().size(); i++) {
                ArgoSpec.Artifact a = t.inputs().artifacts().get(i);
                if (a.name() == null || a.name().isBlank()) {
                    throw new ArgoError(path + ".inputs.artifacts[" + i + "].name", "missing");
                }
            }
        }
        if (t.outputs() != null) {
            List<ArgoSpec.Artifact> arts = t.outputs().artifacts() == null ? List.of() : t.outputs().artifacts();
            for (int i = 0; i < arts.size(); i++) {
                if (arts.get(i).globalName() != null) {
                    throw new ArgoError(path + ".outputs.artifacts[" + i + "].globalName", "a global output of a steps or dag template"
                            + " is not supported by Floe yet (give globalName to the container or script template's output)");
                }
                if (arts.get(i).from() == null && arts.get(i).fromExpression() == null) {
                    throw new ArgoError(path + ".outputs.artifacts[" + i + "]", "give from (or fromExpression): a steps or dag"
                            + " template's output artifacts come from its steps ({{steps.NAME.outputs.artifacts.ART}})");
                }
            }
            List<ArgoSpec.Parameter> ps = t.outputs().parameters() == null ? List.of() : t.outputs().parameters();
            for (int i = 0; i < ps.size(); i++) {
                Map<String, Object> from = ps.get(i).valueFrom();
                if (ps.get(i).value() == null && (from == null || (from.get("parameter") == null && from.get("expression") == null
                        && from.get("default") == null))) {
                    throw new ArgoError(path + ".outputs.parameters[" + i + "].valueFrom", "give valueFrom.parameter or"
                            + " valueFrom.expression: a steps or dag template's outputs come from its steps");
                }
                if (from != null) {
                    for (String key : from.keySet()) {
                        if (!key.equals("parameter") && !key.equals("expression") && !key.equals("default")) {
                            throw new ArgoError(path + ".outputs.parameters[" + i + "].valueFrom." + key,
                                    "not supported by Floe yet for a steps or dag template (use parameter, expression and default)");
                        }
                    }
                }
            }
        }
    }

    static void unsupported(String path, Object value) {
        if (value != null) {
            throw new ArgoError(path, "not supported by Floe yet");
        }
    }

    static long integer(String text, String path) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ArgoError(path, "'" + text + "' is not an integer");
        }
    }
}

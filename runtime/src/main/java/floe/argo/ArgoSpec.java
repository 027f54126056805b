package floe.argo;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argo Workflows' resources as written in YAML, field for field (argoproj.io/v1alpha1). Only
 * reading happens here; {@link ArgoConverter} turns them into Floe's model. A field Argo has and
 * Floe does not run yet is read and then refused by the converter, naming it; a field Argo does
 * not have is refused by the parser.
 */
public final class ArgoSpec {
    private ArgoSpec() {}

    public record Workflow(String apiVersion, String kind, Metadata metadata, WorkflowSpec spec) implements Serializable {}

    /** A CronWorkflow: a workflow spec run on a schedule; {@code floe run} runs it once. */
    public record CronWorkflow(String apiVersion, String kind, Metadata metadata, CronWorkflowSpec spec) implements Serializable {}

    public record CronWorkflowSpec(WorkflowSpec workflowSpec, String schedule, List<String> schedules, String timezone,
            String concurrencyPolicy, Object startingDeadlineSeconds, Object successfulJobsHistoryLimit,
            Object failedJobsHistoryLimit, Boolean suspend, Map<String, Object> workflowMetadata, Map<String, Object> stopStrategy,
            String when) implements Serializable {}

    public record Metadata(String name, String generateName, String namespace, Map<String, String> labels,
            Map<String, String> annotations) implements Serializable {}

    public record WorkflowSpec(String entrypoint, Arguments arguments, List<Volume> volumes, List<Template> templates,
            Integer parallelism, String serviceAccountName, String activeDeadlineSeconds, String onExit, TemplateRef workflowTemplateRef,
            Map<String, Object> podGC, Map<String, Object> ttlStrategy, Map<String, String> nodeSelector,
            List<Map<String, Object>> volumeClaimTemplates)
            implements Serializable {}

    public record Arguments(List<Parameter> parameters, List<Map<String, Object>> artifacts) implements Serializable {}

    public record Parameter(String name, String value, @JsonProperty("default") String defaultValue,
            @JsonProperty("enum") List<String> enumValues, String description, Map<String, Object> valueFrom)
            implements Serializable {}

    /** A volume: its name, and a source (a claim, a host path, ...) that only a cluster uses. */
    public static final class Volume implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name;
        public final Map<String, Object> source = new LinkedHashMap<>();

        @JsonAnySetter
        void source(String key, Object value) {
            source.put(key, value);
        }
    }

    public record Template(String name, Inputs inputs, Outputs outputs, Container container,
            Container script, List<List<Step>> steps, Dag dag, RetryStrategy retryStrategy,
            String activeDeadlineSeconds, String timeout, Integer parallelism, Map<String, Object> metadata,
            Map<String, Object> resource, Map<String, Object> suspend, Map<String, String> nodeSelector, List<Volume> volumes)
            implements Serializable {

        /** This template with its deadlines worked out. */
        Template withDeadlines(String newActiveDeadlineSeconds, String newTimeout) {
            return new Template(name, inputs, outputs, container, script, steps, dag, retryStrategy, newActiveDeadlineSeconds,
                    newTimeout, parallelism, metadata, resource, suspend, nodeSelector, volumes);
        }

        /** This template under another name (an {@code inline} template takes its step's). */
        Template named(String newName) {
            return new Template(newName, inputs, outputs, container, script, steps, dag, retryStrategy, activeDeadlineSeconds,
                    timeout, parallelism, metadata, resource, suspend, nodeSelector, volumes);
        }
    }

    /** A template of a WorkflowTemplate ({@code templateRef}) or a whole one ({@code workflowTemplateRef}). */
    public record TemplateRef(String name, String template, Boolean clusterScope) implements Serializable {}

    public record Inputs(List<Parameter> parameters, List<Map<String, Object>> artifacts) implements Serializable {}

    public record Outputs(List<Parameter> parameters, List<Map<String, Object>> artifacts, String result, String exitCode)
            implements Serializable {}

    /** A {@code container} or, with {@code source}, a {@code script}. */
    public record Container(String name, String image, String imagePullPolicy, List<String> command, List<String> args,
            List<EnvVar> env, String workingDir, List<VolumeMount> volumeMounts, ResourceRequirements resources,
            String source) implements Serializable {}

    public record EnvVar(String name, String value, Map<String, Object> valueFrom) implements Serializable {}

    public record VolumeMount(String name, String mountPath, Boolean readOnly, String subPath) implements Serializable {}

    public record ResourceRequirements(Map<String, String> requests, Map<String, String> limits) implements Serializable {}

    public record Step(String name, String template, Arguments arguments, Sequence withSequence, List<Object> withItems,
            String withParam, String when, Map<String, Object> continueOn, TemplateRef templateRef, Template inline,
            Map<String, LifecycleHook> hooks, String onExit) implements Serializable {}

    /** A hook of a step or task: a template run once it ended ({@code exit}), or when {@code expression} holds. */
    public record LifecycleHook(String template, TemplateRef templateRef, Arguments arguments, String expression)
            implements Serializable {}

    public record Dag(List<DagTask> tasks, String target, Boolean failFast) implements Serializable {}

    public record DagTask(String name, String template, Arguments arguments, List<String> dependencies, String depends,
            Sequence withSequence, List<Object> withItems, String withParam, String when, Map<String, Object> continueOn,
            TemplateRef templateRef, Template inline, Map<String, LifecycleHook> hooks, String onExit) implements Serializable {

        /** The fields a DAG task shares with a step, for what runs it. */
        Step asStep() {
            return new Step(name, template, arguments, withSequence, withItems, withParam, when, continueOn, templateRef, inline,
                    hooks, onExit);
        }
    }

    public record Sequence(String count, String start, String end, String format) implements Serializable {}

    public record RetryStrategy(String limit, String retryPolicy, Backoff backoff, String expression) implements Serializable {}

    public record Backoff(String duration, String factor, String maxDuration) implements Serializable {}
}

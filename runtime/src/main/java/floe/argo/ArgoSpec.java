package floe.argo;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of Argo Workflows' resources (argoproj.io/v1alpha1) that Floe reads, with Argo's names:
 * exactly those {@link ArgoFields}' catalogue marks READ. A document is screened against the
 * catalogue (noticed fields removed, refused and unknown ones reported) before it is bound to
 * these records; {@link ArgoConverter} turns them into Floe's model.
 */
public final class ArgoSpec {
    private ArgoSpec() {}

    public record Workflow(String apiVersion, String kind, Metadata metadata, WorkflowSpec spec) implements Serializable {}

    /** A CronWorkflow: a workflow spec run on a schedule; {@code floe run} runs it once. */
    public record CronWorkflow(String apiVersion, String kind, Metadata metadata, CronWorkflowSpec spec) implements Serializable {}

    /** What a CronWorkflow holds besides its schedule, which {@code floe run} does not keep: the workflow's spec. */
    public record CronWorkflowSpec(WorkflowSpec workflowSpec) implements Serializable {}

    public record Metadata(String name, String generateName, String namespace, Map<String, String> labels,
            Map<String, String> annotations) implements Serializable {}

    public record WorkflowSpec(String entrypoint, Arguments arguments, List<Volume> volumes, List<Template> templates,
            Integer parallelism, String activeDeadlineSeconds, String onExit, TemplateRef workflowTemplateRef,
            List<Map<String, Object>> volumeClaimTemplates, ResourceRequirements podResources, Template templateDefaults,
            ArtifactRepositoryRef artifactRepositoryRef, Synchronization synchronization, Map<String, LifecycleHook> hooks,
            String serviceAccountName, Integer priority, Boolean suspend) implements Serializable {}

    /** Argo's locks: mutexes and semaphores, in the list form (3.6) or the single form before it. */
    public record Synchronization(List<Mutex> mutexes, List<SemaphoreRef> semaphores, Mutex mutex, SemaphoreRef semaphore)
            implements Serializable {}

    /** A mutex; {@code database} (Argo 3.7) shares it through Argo's database, here through the lock directory. */
    public record Mutex(String name, String namespace, Boolean database) implements Serializable {}

    /** A semaphore whose limit is a config map's key, or a key of Argo's database (3.7), here of floe.argo.semaphore-limits. */
    public record SemaphoreRef(ConfigMapKeySelector configMapKeyRef, String namespace, SyncDatabaseRef database) implements Serializable {}

    public record SyncDatabaseRef(String key) implements Serializable {}

    public record ConfigMapKeySelector(String name, String key) implements Serializable {}

    /** Which artifact repository of a config map the workflow's artifacts go to. */
    public record ArtifactRepositoryRef(String configMap, String key) implements Serializable {}

    public record Arguments(List<Parameter> parameters, List<Artifact> artifacts) implements Serializable {}

    public record Parameter(String name, String value, @JsonProperty("default") String defaultValue,
            @JsonProperty("enum") List<String> enumValues, String description, Map<String, Object> valueFrom, String globalName)
            implements Serializable {

        /** This parameter with {@code newValue}. */
        Parameter withValue(String newValue) {
            return new Parameter(name, newValue, defaultValue, enumValues, description, valueFrom, globalName);
        }
    }

    /**
     * A volume: its name, and its source (a claim, an emptyDir, a secret, ...; each field of Argo's
     * Volume but the name), which {@link LocalResources} makes a directory of this machine.
     */
    public static final class Volume implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public final Map<String, Object> source = new LinkedHashMap<>();

        @JsonAnySetter
        void source(String key, Object value) {
            source.put(key, value);
        }

        /** The source, written back as the fields it was read from. */
        @com.fasterxml.jackson.annotation.JsonAnyGetter
        Map<String, Object> source() {
            return source;
        }
    }

    public record Template(String name, Inputs inputs, Outputs outputs, Container container,
            Container script, List<List<Step>> steps, Dag dag, RetryStrategy retryStrategy,
            String activeDeadlineSeconds, String timeout, Integer parallelism, ResourceTemplate resource,
            Map<String, Object> suspend, List<Volume> volumes, ResourceRequirements podResources,
            List<UserContainer> initContainers, List<UserContainer> sidecars, Memoize memoize, Synchronization synchronization,
            Boolean daemon, ContainerSet containerSet, Http http, Data data) implements Serializable {

        /** This template with its deadlines worked out. */
        Template withDeadlines(String newActiveDeadlineSeconds, String newTimeout) {
            return new Template(name, inputs, outputs, container, script, steps, dag, retryStrategy, newActiveDeadlineSeconds,
                    newTimeout, parallelism, resource, suspend, volumes, podResources, initContainers, sidecars, memoize, synchronization, daemon, containerSet, http, data);
        }

        /** This template with other pod resources. */
        Template withPodResources(ResourceRequirements newPodResources) {
            return new Template(name, inputs, outputs, container, script, steps, dag, retryStrategy, activeDeadlineSeconds,
                    timeout, parallelism, resource, suspend, volumes, newPodResources, initContainers, sidecars, memoize, synchronization, daemon, containerSet, http, data);
        }

        /** This template with other inputs. */
        Template withInputs(Inputs newInputs) {
            return new Template(name, newInputs, outputs, container, script, steps, dag, retryStrategy, activeDeadlineSeconds,
                    timeout, parallelism, resource, suspend, volumes, podResources, initContainers, sidecars, memoize, synchronization, daemon, containerSet, http, data);
        }

        /** Whether it runs containers: a container, a script or a container set. */
        boolean runsContainers() {
            return container != null || script != null || containerSet != null;
        }

        /**
         * The container whose command is the task's own: the container, the script, or of a container
         * set the one named {@code main} (else the last), with the set's volume mounts before its own.
         */
        Container main() {
            if (containerSet == null) {
                return container != null ? container : script;
            }
            return containerSet.main();
        }

        /** What kind of containers it runs, as its field is named: container, script or containerSet. */
        String kind() {
            return container != null ? "container" : script != null ? "script" : "containerSet";
        }

        /** Whether it is a daemon ({@code daemon: true}): a service left running for the later steps of its scope. */
        boolean isDaemon() {
            return Boolean.TRUE.equals(daemon);
        }

        /** This template under another name (an {@code inline} template takes its step's). */
        Template named(String newName) {
            return new Template(newName, inputs, outputs, container, script, steps, dag, retryStrategy, activeDeadlineSeconds,
                    timeout, parallelism, resource, suspend, volumes, podResources, initContainers, sidecars, memoize, synchronization, daemon, containerSet, http, data);
        }
    }

    /**
     * A resource template: a Kubernetes object to create, apply, get, patch, replace or delete (its
     * {@code manifest}, or the objects its kubectl-style {@code flags} name), then waited on until
     * {@code successCondition} or {@code failureCondition} holds.
     */
    public record ResourceTemplate(String action, String manifest, String mergeStrategy, String successCondition,
            String failureCondition, List<String> flags) implements Serializable {}

    /** A template of a WorkflowTemplate ({@code templateRef}) or a whole one ({@code workflowTemplateRef}). */
    public record TemplateRef(String name, String template, Boolean clusterScope) implements Serializable {}

    public record Inputs(List<Parameter> parameters, List<Artifact> artifacts) implements Serializable {}

    public record Outputs(List<Parameter> parameters, List<Artifact> artifacts) implements Serializable {}

    /**
     * An artifact: where it comes from or goes ({@code oss}, {@code http}, {@code git}, {@code raw},
     * or {@code from} an earlier step's output; an output with none goes to the artifact repository),
     * the path the command sees it at, and how it is archived.
     */
    public record Artifact(String name, String path, OssArtifact oss, S3Artifact s3, HttpArtifact http, GitArtifact git, RawArtifact raw,
            String from, String fromExpression, Boolean optional, ArchiveStrategy archive, Integer mode, Boolean recurseMode,
            String globalName, String subPath) implements Serializable {}

    public record OssArtifact(String key, String bucket, String endpoint, SecretKeySelector accessKeySecret,
            SecretKeySelector secretKeySecret) implements Serializable {}

    /**
     * An S3 object or key prefix; with no bucket, the artifact repository's; credentials from the
     * secret's keys (given with {@code --secret NAME=DIR}), else the environment.
     */
    public record S3Artifact(String key, String bucket, String endpoint, String region, Boolean insecure, String addressingStyle,
            SecretKeySelector accessKeySecret, SecretKeySelector secretKeySecret, SecretKeySelector sessionTokenSecret,
            Boolean useSDKCreds) implements Serializable {}

    /** A key of a Kubernetes secret. */
    public record SecretKeySelector(String name, String key) implements Serializable {}

    public record HttpArtifact(String url, List<Header> headers) implements Serializable {}

    /** An {@code http} template: a request the task makes, its response's body the task's result. */
    /** A data template: the keys under an artifact's location, transformed by expressions over {@code data}. */
    public record Data(DataSource source, List<TransformationStep> transformation) implements Serializable {}

    public record DataSource(Artifact artifactPaths) implements Serializable {}

    public record TransformationStep(String expression) implements Serializable {}

    public record Http(String method, String url, List<HttpHeader> headers, Long timeoutSeconds, String successCondition,
            String body, HttpBodySource bodyFrom, Boolean insecureSkipVerify) implements Serializable {}

    /** A request header: {@code value}, or {@code valueFrom.secretKeyRef}. */
    public record HttpHeader(String name, String value, HttpHeaderSource valueFrom) implements Serializable {}

    public record HttpHeaderSource(Map<String, Object> secretKeyRef) implements Serializable {}

    /** A request body as bytes (base64 in YAML, as Kubernetes writes bytes). */
    public record HttpBodySource(byte[] bytes) implements Serializable {}

    public record Header(String name, String value) implements Serializable {}

    public record GitArtifact(String repo, String revision, String branch, Integer depth, Boolean singleBranch,
            Boolean disableSubmodules, List<String> fetch) implements Serializable {}

    public record RawArtifact(String data) implements Serializable {}

    /** How an output is archived: tar and gzip (Argo's default), zip, or as it is ({@code none: {}}). */
    public record ArchiveStrategy(Map<String, Object> none, TarStrategy tar, Map<String, Object> zip) implements Serializable {}

    public record TarStrategy(Integer compressionLevel) implements Serializable {}

    /** A {@code container} or, with {@code source}, a {@code script}. */
    public record Container(String image, List<String> command, List<String> args,
            List<EnvVar> env, String workingDir, List<VolumeMount> volumeMounts, ResourceRequirements resources,
            String source, Probe readinessProbe) implements Serializable {}

    /** A readiness probe: one of {@code exec}, {@code httpGet}, {@code tcpSocket}, and when it is tried. */
    public record Probe(ExecAction exec, HttpGetAction httpGet, TcpSocketAction tcpSocket, Integer initialDelaySeconds,
            Integer periodSeconds, Integer timeoutSeconds, Integer successThreshold) implements Serializable {}

    /** Several containers of one pod run as a graph by their {@code dependencies}, sharing its volumes. */
    public record ContainerSet(List<ContainerNode> containers, List<VolumeMount> volumeMounts, ContainerSetRetryStrategy retryStrategy)
            implements Serializable {

        /** The index of the container named {@code main}, else of the last. */
        int mainIndex() {
            List<ContainerNode> all = containers == null ? List.of() : containers;
            for (int i = 0; i < all.size(); i++) {
                if ("main".equals(all.get(i).name())) {
                    return i;
                }
            }
            return all.size() - 1;
        }

        Container main() {
            int i = mainIndex();
            return i < 0 ? null : containers.get(i).asContainer(volumeMounts);
        }
    }

    /** A container of a container set: a container's fields, its name and the containers it waits for. */
    public record ContainerNode(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
            String workingDir, List<VolumeMount> volumeMounts, ResourceRequirements resources, List<String> dependencies)
            implements Serializable {

        /** As a container, with the set's {@code setMounts} before its own. */
        Container asContainer(List<VolumeMount> setMounts) {
            List<VolumeMount> mounts = new java.util.ArrayList<>(setMounts == null ? List.of() : setMounts);
            if (volumeMounts != null) {
                mounts.addAll(volumeMounts);
            }
            return new Container(image, command, args, env, workingDir, mounts.isEmpty() ? null : mounts, resources, null, null);
        }
    }

    /** How often a failed container of a set is run again in its place, {@code duration} apart. */
    public record ContainerSetRetryStrategy(String retries, String duration) implements Serializable {}

    public record ExecAction(List<String> command) implements Serializable {}

    /** An HTTP GET; {@code port} is a number or a name, as Kubernetes' IntOrString. */
    public record HttpGetAction(String path, String port, String host, String scheme, List<Header> httpHeaders) implements Serializable {}

    public record TcpSocketAction(String port, String host) implements Serializable {}

    /**
     * An init container or a sidecar of a container or script template: a container of the same
     * pod, by name; with {@code mirrorVolumeMounts} it also mounts the main container's volumes.
     */
    public record UserContainer(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
            String workingDir, List<VolumeMount> volumeMounts, ResourceRequirements resources, Boolean mirrorVolumeMounts)
            implements Serializable {

        /** Its fields a main container has too, with {@code volumeMounts} given. */
        Container asContainer(List<VolumeMount> mounts) {
            return new Container(image, command, args, env, workingDir, mounts, resources, null, null);
        }
    }

    public record EnvVar(String name, String value, Map<String, Object> valueFrom) implements Serializable {}

    public record VolumeMount(String name, String mountPath, String subPath) implements Serializable {}

    public record ResourceRequirements(Map<String, String> requests, Map<String, String> limits) implements Serializable {}

    public record Step(String name, String template, Arguments arguments, Sequence withSequence, List<Object> withItems,
            String withParam, String when, Map<String, Object> continueOn, TemplateRef templateRef, Template inline,
            Map<String, LifecycleHook> hooks, String onExit) implements Serializable {}

    /** A hook of a step or task: a template run once it ended ({@code exit}), or when {@code expression} holds. */
    public record LifecycleHook(String template, TemplateRef templateRef, Arguments arguments, String expression)
            implements Serializable {}

    public record Dag(List<DagTask> tasks, Boolean failFast, String target) implements Serializable {}

    public record DagTask(String name, String template, Arguments arguments, List<String> dependencies, String depends,
            Sequence withSequence, List<Object> withItems, String withParam, String when, Map<String, Object> continueOn,
            TemplateRef templateRef, Template inline, Map<String, LifecycleHook> hooks, String onExit) implements Serializable {

        /** The fields a DAG task shares with a step, for what runs it. */
        Step asStep() {
            return new Step(name, template, arguments, withSequence, withItems, withParam, when, continueOn, templateRef, inline,
                    hooks, onExit);
        }
    }

    /**
     * A leaf template's memoization: its outputs kept under {@code key} in the cache
     * {@code cache.configMap.name} (a directory of this machine, {@link MemoCache}), reused while
     * younger than {@code maxAge}.
     */
    public record Memoize(String key, String maxAge, Map<String, Object> cache) implements Serializable {}

    public record Sequence(String count, String start, String end, String format) implements Serializable {}

    public record RetryStrategy(String limit, String retryPolicy, Backoff backoff, String expression) implements Serializable {}

    public record Backoff(String duration, String factor, String maxDuration, String cap) implements Serializable {}
}

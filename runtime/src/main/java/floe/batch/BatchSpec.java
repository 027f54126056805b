package floe.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * AWS Batch's job definitions and job submissions as written in JSON (RegisterJobDefinition,
 * SubmitJob), field for field. Fields that only mean something to a cloud account (roles,
 * networking, platform) are read and have no effect here; tags and queues' scheduling are the
 * service's to keep or refuse; fields that change what runs and Floe does not run yet are refused
 * by {@link BatchConverter}, and restrictions ({@code user}, {@code ulimits}, {@code readOnly},
 * {@code readonlyRootFilesystem}, {@code secrets}) are honoured or refused, never dropped.
 */
public final class BatchSpec {
    private BatchSpec() {}

    @JsonIgnoreProperties({"platformCapabilities", "tags", "propagateTags", "schedulingPriority", "nodeProperties",
            "eksProperties", "ecsProperties", "consumableResourceProperties"})
    public record JobDefinition(String jobDefinitionName, String type, Map<String, String> parameters,
            ContainerProperties containerProperties, RetryStrategy retryStrategy, Timeout timeout) implements Serializable {}

    @JsonIgnoreProperties({"runtimePlatform", "networkConfiguration", "executionRoleArn", "jobRoleArn",
            "repositoryCredentials", "logConfiguration", "fargatePlatformConfiguration", "ephemeralStorage",
            "linuxParameters", "privileged", "instanceType"})
    public record ContainerProperties(String image, List<String> command, List<KeyValue> environment,
            List<ResourceRequirement> resourceRequirements, List<Volume> volumes, List<MountPoint> mountPoints,
            Integer vcpus, Integer memory, String user, List<Ulimit> ulimits, Boolean readonlyRootFilesystem,
            List<Secret> secrets) implements Serializable {}

    /** A resource limit of the container's processes (Docker's {@code --ulimit}): set with prlimit. */
    public record Ulimit(String name, Integer softLimit, Integer hardLimit) implements Serializable {}

    /** An environment variable whose value is a secret: {@code valueFrom} names it (a name or an ARN). */
    public record Secret(String name, String valueFrom) implements Serializable {}

    public record KeyValue(String name, String value) implements Serializable {}

    public record ResourceRequirement(String type, String value) implements Serializable {}

    @JsonIgnoreProperties({"efsVolumeConfiguration"})
    public record Volume(String name, Host host) implements Serializable {}

    public record Host(String sourcePath) implements Serializable {}

    public record MountPoint(String sourceVolume, String containerPath, Boolean readOnly) implements Serializable {}

    public record RetryStrategy(Integer attempts, List<Map<String, String>> evaluateOnExit) implements Serializable {}

    public record Timeout(Integer attemptDurationSeconds) implements Serializable {}

    @JsonIgnoreProperties({"jobQueue", "tags", "propagateTags", "schedulingPriorityOverride", "shareIdentifier"})
    public record Job(String jobName, String jobDefinition, List<DependsOn> dependsOn, ArrayProperties arrayProperties,
            RetryStrategy retryStrategy, Timeout timeout, Map<String, String> parameters,
            ContainerOverrides containerOverrides) implements Serializable {}

    public record DependsOn(String jobId, String type) implements Serializable {}

    public record ArrayProperties(Integer size) implements Serializable {}

    @JsonIgnoreProperties({"instanceType"})
    public record ContainerOverrides(List<String> command, List<KeyValue> environment,
            List<ResourceRequirement> resourceRequirements, Integer vcpus, Integer memory) implements Serializable {}
}

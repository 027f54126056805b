package floe.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * AWS Batch's job definitions and job submissions as written in JSON (RegisterJobDefinition,
 * SubmitJob), field for field. Fields that only mean something to a cloud account (roles,
 * networking, platform, tags, queues' scheduling) are read and have no effect here; fields that
 * change what runs and Floe does not run yet are refused by {@link BatchConverter}.
 */
public final class BatchSpec {
    private BatchSpec() {}

    @JsonIgnoreProperties({"platformCapabilities", "tags", "propagateTags", "schedulingPriority", "nodeProperties",
            "eksProperties", "ecsProperties", "consumableResourceProperties"})
    public record JobDefinition(String jobDefinitionName, String type, Map<String, String> parameters,
            ContainerProperties containerProperties, RetryStrategy retryStrategy, Timeout timeout) implements Serializable {}

    @JsonIgnoreProperties({"runtimePlatform", "networkConfiguration", "executionRoleArn", "jobRoleArn",
            "repositoryCredentials", "logConfiguration", "secrets", "fargatePlatformConfiguration", "ephemeralStorage",
            "linuxParameters", "ulimits", "privileged", "readonlyRootFilesystem", "user", "instanceType"})
    public record ContainerProperties(String image, List<String> command, List<KeyValue> environment,
            List<ResourceRequirement> resourceRequirements, List<Volume> volumes, List<MountPoint> mountPoints,
            Integer vcpus, Integer memory) implements Serializable {}

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

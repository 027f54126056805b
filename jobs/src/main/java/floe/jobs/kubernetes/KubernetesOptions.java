package floe.jobs.kubernetes;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Floe's settings for Kubernetes; beside Flink's own {@code kubernetes.*} keys in {@code conf/kubernetes/config.yaml}. */
public final class KubernetesOptions {
    private KubernetesOptions() {}

    public static final ConfigOption<String> JOBS_JAR = ConfigOptions.key("floe.kubernetes.jobs-jar")
            .stringType()
            .defaultValue("local:///opt/flink/usrlib/floe-jobs.jar")
            .withDescription("Where the Floe jobs jar is inside the image (conf/kubernetes/Dockerfile puts it there);"
                    + " an application cluster runs it.");

    public static final ConfigOption<String> IMAGE_DIR = ConfigOptions.key("floe.kubernetes.image-dir")
            .stringType()
            .defaultValue("/opt/flink")
            .withDescription("Where command tasks run inside the TaskManager's container when their template sets no"
                    + " workingDir (--image-dir overrides it); the scripts a workflow runs must be there in the image.");

    public static final ConfigOption<String> CLIENT_JAR = ConfigOptions.key("floe.kubernetes.client-jar")
            .stringType()
            .noDefaultValue()
            .withDescription("The jobs jar a submission to a session cluster ships with the job (default: the jar Floe"
                    + " runs from, jobs/target/floe-jobs.jar under bin/floe).");
}

package floe.jobs.kubernetes;

import floe.SpecException;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;

import java.util.regex.Pattern;

/**
 * The image every pod of a Floe cluster runs ({@code kubernetes.container.image.ref}): it must be
 * set, since Flink's own default image has no Floe in it and its pods would fail only once
 * scheduled, and it must be a reference a container runtime accepts (the grammar of the
 * distribution project's {@code reference} package: {@code [host[:port]/]path[:tag][@digest]}).
 */
final class ImageReference {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*(?::" + TAG + ")?(?:@" + DIGEST + ")?");

    private ImageReference() {}

    /** Refuses a configuration whose image is not set, or not a valid reference, naming the key and the value. */
    static void check(Configuration conf) {
        String key = KubernetesConfigOptions.CONTAINER_IMAGE.key();
        String image = conf.contains(KubernetesConfigOptions.CONTAINER_IMAGE) ? conf.get(KubernetesConfigOptions.CONTAINER_IMAGE) : null;
        if (image == null || image.isBlank()) {
            throw new SpecException(key + ": not set: the pods run an image with Floe in it (build conf/kubernetes/Dockerfile,"
                    + " push it where the cluster pulls from, and set its reference in conf/kubernetes/config.yaml or with -D "
                    + key + "=REGISTRY/floe:TAG); Flink's default image has no Floe");
        }
        if (!REFERENCE.matcher(image).matches()) {
            throw new SpecException(key + ": '" + image + "' is not an image reference ([HOST[:PORT]/]NAME[:TAG][@DIGEST],"
                    + " the name in lower case, e.g. registry.example.com/floe:0.1.0)");
        }
    }
}

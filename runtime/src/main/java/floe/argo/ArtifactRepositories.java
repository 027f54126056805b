package floe.argo;

import floe.argo.ArgoConverter.ArgoError;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.List;
import java.util.Map;

/**
 * A workflow's {@code artifactRepositoryRef}: the repository Argo keeps in a config map (by default
 * {@code artifact-repositories}), one YAML document per key, in Argo's {@code ArtifactRepository}
 * shape. The config map comes from {@code --config-map NAME=FILE|DIR}, as the workflow's other
 * config maps do; Floe stores to {@code oss} and {@code s3} repositories, reached at their own
 * endpoint with their own credentials ({@link S3Options}).
 */
final class ArtifactRepositories {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The config map Argo reads when the reference names none. */
    static final String DEFAULT_CONFIG_MAP = "artifact-repositories";

    private ArtifactRepositories() {}

    /** An S3 artifact repository in a config map ({@code artifactRepositoryRef}). */
    record S3ArtifactRepository(String bucket, String endpoint, String region, Boolean insecure, String addressingStyle,
            String keyFormat, String keyPrefix, ArgoSpec.SecretKeySelector accessKeySecret, ArgoSpec.SecretKeySelector secretKeySecret,
            ArgoSpec.SecretKeySelector sessionTokenSecret, Boolean useSDKCreds) {}

    /** An OSS artifact repository in a config map. */
    record OssArtifactRepository(String bucket, String endpoint, String keyFormat, ArgoSpec.SecretKeySelector accessKeySecret,
            ArgoSpec.SecretKeySelector secretKeySecret) {}

    static ArtifactRepository of(ArgoSpec.ArtifactRepositoryRef ref, ArgoOptions options, LocalResources.Notices notices, String where) {
        String configMap = ref.configMap() == null ? DEFAULT_CONFIG_MAP : ref.configMap();
        if (ref.key() == null) {
            throw new ArgoError(where + ".key", "give the key of the repository in config map '" + configMap + "' (Floe does not read"
                    + " the config map's default-repository annotation)");
        }
        String text = LocalResources.configMapValue(options, notices, configMap, ref.key(), false, where);
        if (options.checking() && !options.configMaps().containsKey(configMap)) {
            return options.artifacts(); // a stand-in: lint has noticed what the run needs
        }
        Map<?, ?> repo;
        try {
            repo = YAML.readValue(text, Map.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "' is not an artifact repository (YAML): "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (repo == null) {
            throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "' is empty");
        }
        for (Object kind : repo.keySet()) {
            if (!"oss".equals(kind) && !"s3".equals(kind) && !"archiveLogs".equals(kind)) {
                throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "' is a " + kind + " artifact repository:"
                        + " Floe stores to oss and s3 repositories (or set floe.argo.artifacts.repository)");
            }
        }
        String at = "config map '" + configMap + "' key '" + ref.key() + "'";
        ArtifactRepository base = options.artifacts();
        if (repo.get("s3") instanceof Map<?, ?> s3) {
            S3ArtifactRepository r = fields(s3, S3ArtifactRepository.class, at + ": s3", where, notices);
            if (r.bucket() == null || r.bucket().isBlank()) {
                throw new ArgoError(where, at + " names no s3 bucket");
            }
            String prefix = r.keyPrefix() == null || r.keyPrefix().isBlank() ? "" : r.keyPrefix().endsWith("/") ? r.keyPrefix() : r.keyPrefix() + "/";
            Map<String, String> reach = S3Options.of(base, r.endpoint(), r.region(), r.insecure(), r.addressingStyle(), r.accessKeySecret(),
                    r.secretKeySecret(), r.sessionTokenSecret(), r.useSDKCreds(), where + " (" + at + ": s3)");
            return base.withRoot("s3://" + base.s3BucketNamed(r.bucket()) + "/" + prefix, reach).withKeyFormat(r.keyFormat());
        }
        if (!(repo.get("oss") instanceof Map<?, ?> oss)) {
            throw new ArgoError(where, at + " names no oss or s3 repository");
        }
        OssArtifactRepository r = fields(oss, OssArtifactRepository.class, at + ": oss", where, notices);
        if (r.bucket() == null || r.bucket().isBlank()) {
            throw new ArgoError(where, at + " names no oss bucket");
        }
        Map<String, String> reach = S3Options.oss(new ArgoSpec.OssArtifact("-", r.bucket(), r.endpoint(), r.accessKeySecret(),
                r.secretKeySecret()), base, where + " (" + at + ": oss)");
        return new ArtifactRepository(r.bucket(), base.endpoint(), null, null).withSecrets(base.secrets(), base.checking())
                .withS3(base.s3Endpoint(), base.s3Buckets()).withRoot("oss://" + r.bucket() + "/", reach).withKeyFormat(r.keyFormat());
    }

    /** The repository's fields as Argo's type; a field Floe cannot honour is refused, one with no effect here noticed. */
    private static <T> T fields(Map<?, ?> map, Class<T> type, String at, String where, LocalResources.Notices notices) {
        for (Object field : map.keySet()) {
            String f = String.valueOf(field);
            switch (f) {
                case "createBucketIfNotPresent", "lifecycleRule" -> notices.notice(where, at + "." + f + ": no effect here: Floe creates no"
                        + " buckets and sets no lifecycle rules");
                case "roleARN", "caSecret", "encryptionOptions", "securityToken", "useSDKCreds" -> {
                    if (!(type == S3ArtifactRepository.class && f.equals("useSDKCreds"))) {
                        throw new ArgoError(where, at + "." + f + " is not supported by Floe: give accessKeySecret and secretKeySecret,"
                                + " or credentials in the environment");
                    }
                }
                default -> { }
            }
        }
        Map<Object, Object> known = new java.util.LinkedHashMap<>(map);
        known.keySet().removeAll(List.of("createBucketIfNotPresent", "lifecycleRule"));
        try {
            return YAML.convertValue(known, type);
        } catch (IllegalArgumentException e) {
            throw new ArgoError(where, at + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Whether {@code endpoint} names the endpoint this run reaches ({@code runs}, null when none is set), scheme and trailing / aside. */
    static boolean sameEndpoint(String endpoint, String runs) {
        return runs != null && host(endpoint).equals(host(runs));
    }

    private static String host(String endpoint) {
        String h = endpoint.replaceFirst("^[a-zA-Z]+://", "");
        return h.endsWith("/") ? h.substring(0, h.length() - 1) : h;
    }
}

package floe.argo;

import floe.argo.ArgoConverter.ArgoError;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.Map;

/**
 * A workflow's {@code artifactRepositoryRef}: the repository Argo keeps in a config map (by default
 * {@code artifact-repositories}), one YAML document per key, in Argo's {@code ArtifactRepository}
 * shape. The config map comes from {@code --config-map NAME=FILE|DIR}, as the workflow's other
 * config maps do; an {@code oss} repository is one Floe stores to.
 */
final class ArtifactRepositories {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The config map Argo reads when the reference names none. */
    static final String DEFAULT_CONFIG_MAP = "artifact-repositories";

    private ArtifactRepositories() {}

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
            if (!"oss".equals(kind) && !"archiveLogs".equals(kind)) {
                throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "' is a " + kind + " artifact repository:"
                        + " Floe stores to oss repositories (or set floe.argo.artifacts.repository)");
            }
        }
        if (!(repo.get("oss") instanceof Map<?, ?> oss) || !(oss.get("bucket") instanceof String bucket) || bucket.isBlank()) {
            throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "' names no oss bucket");
        }
        Object endpoint = oss.get("endpoint");
        String runs = options.artifacts().endpoint();
        if (endpoint != null && !sameEndpoint(String.valueOf(endpoint), runs)) {
            throw new ArgoError(where, "config map '" + configMap + "' key '" + ref.key() + "': oss endpoint '" + endpoint
                    + "' is not the endpoint of this run (" + (runs == null ? "none set" : runs) + "): set fs.oss.endpoint or OSS_ENDPOINT to it");
        }
        Object keyFormat = oss.get("keyFormat");
        return new ArtifactRepository(bucket, runs, "oss://" + bucket + "/", keyFormat == null ? null : String.valueOf(keyFormat));
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

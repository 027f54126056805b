package floe.service.argo;

import floe.FloeException;
import floe.argo.ArgoOptions;
import floe.argo.ArgoWorkflows;
import floe.argo.ArtifactRepository;
import floe.run.FloeOptions;
import floe.spec.LocalImages;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a workflow the API received into a Floe workflow with the Argo front-end's loader, as
 * {@code floe run} does with a file: the object is written as {@code workflow.yaml} (JSON is YAML)
 * in the workflow's own directory beside the WorkflowTemplates it may use, then loaded with the
 * Floe settings of the server's configuration (allowed images, artifact repository, volume,
 * memoization and lock directories, semaphore limits).
 */
final class ArgoLoader {
    static final String FILE = "workflow.yaml";

    private final Configuration conf;
    private final Map<String, String> volumes;
    private final String imageDir;

    ArgoLoader(Configuration conf, Map<String, String> volumes, String imageDir) {
        this.conf = conf;
        this.volumes = Map.copyOf(volumes);
        this.imageDir = imageDir;
    }

    /**
     * Loads {@code workflow} from {@code dir} (written there first), with the template files
     * {@code templates} (WorkflowTemplates and ClusterWorkflowTemplates a templateRef may name).
     */
    ArgoWorkflows.Loaded load(ObjectNode workflow, Path dir, List<Path> templates, boolean checkOnly) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(FILE), ArgoStore.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(workflow),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FloeException("cannot write the workflow to " + dir + ": " + e.getMessage(), e);
        }
        LocalImages local = LocalImages.of(conf.get(FloeOptions.LOCAL_ALLOWED_IMAGES), Map.of(), imageDir)
                .withEntrypoints(conf.get(FloeOptions.LOCAL_ENTRYPOINTS)).withCommands(conf.get(FloeOptions.LOCAL_IMAGE_COMMANDS))
                .withWorkingDirs(conf.get(FloeOptions.LOCAL_WORKING_DIRS));
        ArtifactRepository repository = new ArtifactRepository(conf.get(FloeOptions.ARTIFACT_BUCKET), conf.toMap().get("fs.oss.endpoint"),
                conf.get(FloeOptions.ARTIFACT_REPOSITORY), conf.get(FloeOptions.ARTIFACT_KEY_FORMAT))
                .withS3(conf.get(FloeOptions.ARTIFACT_S3_ENDPOINT), pairs(conf.get(FloeOptions.ARTIFACT_S3_BUCKETS)));
        ArgoOptions options = new ArgoOptions(volumes, Map.of(), local, repository, conf.get(FloeOptions.ARGO_MAX_RECURSION_DEPTH))
                .withLocal(Map.of(), Map.of(), conf.get(FloeOptions.ARGO_VOLUME_DIR), conf.get(FloeOptions.ARGO_KEEP_VOLUMES))
                .withMemoizeDir(conf.get(FloeOptions.ARGO_MEMOIZE_DIR)).withLockDir(conf.get(FloeOptions.ARGO_LOCK_DIR))
                .withSemaphoreLimits(limits(conf.get(FloeOptions.ARGO_SEMAPHORE_LIMITS)))
                .withSuspendDir(conf.get(FloeOptions.ARGO_SUSPEND_DIR));
        return ArgoWorkflows.load(dir.resolve(FILE), templates, checkOnly ? options.forChecking() : options);
    }

    private static Map<String, String> pairs(List<String> pairs) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static Map<String, Integer> limits(Map<String, String> given) {
        Map<String, Integer> out = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            try {
                out.put(k.strip(), Integer.parseInt(v.strip()));
            } catch (NumberFormatException e) {
                throw new floe.SpecException(FloeOptions.ARGO_SEMAPHORE_LIMITS.key() + ": the limit of '" + k + "' is '" + v + "'");
            }
        });
        return out;
    }
}

package floe.jobs.spec;

import floe.SpecException;
import floe.argo.ArgoOptions;
import floe.argo.ArgoWorkflows;
import floe.argo.ArtifactRepository;
import floe.batch.BatchJobs;
import floe.run.FloeOptions;
import floe.spec.LocalImages;

import org.apache.flink.configuration.Configuration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way a workflow file becomes a workflow, wherever it is read: {@code floe run}, {@code
 * lint} and {@code plan} from disk, {@code floe submit}'s client, and the far side of a submission
 * (the JobManager of a session or Kubernetes cluster) from its {@link ShippedSpec}. The Floe settings
 * of {@code conf} apply on every path: allowed images and entrypoints, the recursion limit, the
 * volume and memoization directories, the artifact repository.
 *
 * <pre>{@code
 * ArgoWorkflows.Loaded loaded = SpecLoader.load(Path.of("process-data.yaml"), List.of(),
 *         SpecOptions.none(), new Configuration(), SpecLoader.Mode.RUN);
 * }</pre>
 */
public final class SpecLoader {
    /** What the load is for, and so where the paths of its {@link SpecOptions} are. */
    public enum Mode {
        /** To run here: paths are this machine's, made absolute and checked. */
        RUN,
        /**
         * To check without running ({@code floe lint}): paths as for {@link #RUN}; what a run needs
         * from the machine and is not given is a notice ({@link ArgoOptions#forChecking()}).
         */
        CHECK,
        /** To run on other machines (a cluster's): paths are theirs, taken as given. */
        ELSEWHERE
    }

    private SpecLoader() {}

    private static Map<String, Integer> semaphoreLimits(Configuration conf) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        conf.get(FloeOptions.ARGO_SEMAPHORE_LIMITS).forEach((key, value) -> {
            try {
                limits.put(key.strip(), Integer.parseInt(value.strip()));
            } catch (NumberFormatException e) {
                throw new SpecException(FloeOptions.ARGO_SEMAPHORE_LIMITS.key() + ": the limit of '" + key + "' is '" + value
                        + "': give a whole number");
            }
        });
        return limits;
    }

    /** {@code floe.argo.artifacts.s3.buckets}: FROM=TO, by FROM. */
    private static Map<String, String> buckets(List<String> pairs) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new SpecException(FloeOptions.ARTIFACT_S3_BUCKETS.key() + ": '" + pair + "' is not FROM=TO (bucket names)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * An Argo workflow ({@code .yaml}, {@code .yml}) with the WorkflowTemplates in {@code templates}
     * (files, or directories searched for them; the workflow's directory is searched last), or a
     * directory of Batch jobs, which takes neither templates nor parameters.
     */
    public static ArgoWorkflows.Loaded load(Path file, List<Path> templates, SpecOptions options, Configuration conf, Mode mode) {
        String name = file.getFileName().toString();
        boolean batch = Files.isDirectory(file);
        if (!batch && !name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new SpecException(file + ": not an Argo workflow file (.yaml, .yml) or a directory of Batch jobs");
        }
        SpecOptions given = mode == Mode.ELSEWHERE ? options : options.resolvedHere();
        String workDir = given.imageDir() != null ? given.imageDir()
                : (batch ? file : file.toAbsolutePath().getParent()).toAbsolutePath().normalize().toString();
        LocalImages local = LocalImages.of(conf.get(FloeOptions.LOCAL_ALLOWED_IMAGES), given.images(), workDir)
                .withEntrypoints(conf.get(FloeOptions.LOCAL_ENTRYPOINTS)).withCommands(conf.get(FloeOptions.LOCAL_IMAGE_COMMANDS));
        if (!batch && mode != Mode.ELSEWHERE && given.imageDir() == null) {
            // Here the command runs on this machine, so it starts where its image would have started it,
            // unless --image-dir says where every image's commands start.
            local = local.withWorkingDirs(conf.get(FloeOptions.LOCAL_WORKING_DIRS));
        }
        if (batch) {
            if (!templates.isEmpty()) {
                throw new SpecException(templates.get(0) + ": WorkflowTemplates go with Argo workflows, not Batch jobs");
            }
            if (!given.parameters().isEmpty()) {
                throw new SpecException("-p: Batch jobs take parameters in their files (parameters, Ref::NAME), not on the command line");
            }
            return new ArgoWorkflows.Loaded(BatchJobs.fromDirectory(file, given.volumes(), local), List.of(), List.of());
        }
        ArtifactRepository repository = new ArtifactRepository(conf.get(FloeOptions.ARTIFACT_BUCKET), conf.toMap().get("fs.oss.endpoint"),
                conf.get(FloeOptions.ARTIFACT_REPOSITORY), conf.get(FloeOptions.ARTIFACT_KEY_FORMAT))
                .withS3(conf.get(FloeOptions.ARTIFACT_S3_ENDPOINT), buckets(conf.get(FloeOptions.ARTIFACT_S3_BUCKETS)));
        ArgoOptions argo = new ArgoOptions(given.volumes(), given.parameters(), local, repository,
                conf.get(FloeOptions.ARGO_MAX_RECURSION_DEPTH))
                .withLocal(given.secrets(), given.configMaps(), conf.get(FloeOptions.ARGO_VOLUME_DIR),
                        conf.get(FloeOptions.ARGO_KEEP_VOLUMES))
                .withMemoizeDir(conf.get(FloeOptions.ARGO_MEMOIZE_DIR)).withLockDir(conf.get(FloeOptions.ARGO_LOCK_DIR))
                .withSemaphoreLimits(semaphoreLimits(conf))
                .withKubeconfig(kubeconfig(given, conf, mode))
                .withSuspendDir(conf.get(FloeOptions.ARGO_SUSPEND_DIR));
        return ArgoWorkflows.load(file, templates, mode == Mode.CHECK ? argo.forChecking() : argo);
    }

    /**
     * The kubeconfig resource templates use: {@code --kubeconfig}, else the setting {@code
     * floe.argo.kubeconfig} (made absolute here); its path travels, never its content.
     */
    private static String kubeconfig(SpecOptions given, Configuration conf, Mode mode) {
        if (given.kubeconfig() != null) {
            return given.kubeconfig();
        }
        String set = conf.get(FloeOptions.ARGO_KUBECONFIG);
        return set == null || mode == Mode.ELSEWHERE ? set : Path.of(set).toAbsolutePath().normalize().toString();
    }
}

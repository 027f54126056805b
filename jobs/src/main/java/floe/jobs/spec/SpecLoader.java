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
import java.util.List;

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
                .withEntrypoints(conf.get(FloeOptions.LOCAL_ENTRYPOINTS));
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
                conf.get(FloeOptions.ARTIFACT_REPOSITORY), conf.get(FloeOptions.ARTIFACT_KEY_FORMAT));
        ArgoOptions argo = new ArgoOptions(given.volumes(), given.parameters(), local, repository,
                conf.get(FloeOptions.ARGO_MAX_RECURSION_DEPTH))
                .withLocal(given.secrets(), given.configMaps(), conf.get(FloeOptions.ARGO_VOLUME_DIR),
                        conf.get(FloeOptions.ARGO_KEEP_VOLUMES))
                .withMemoizeDir(conf.get(FloeOptions.ARGO_MEMOIZE_DIR)).withLockDir(conf.get(FloeOptions.ARGO_LOCK_DIR))
                .withSuspendDir(conf.get(FloeOptions.ARGO_SUSPEND_DIR));
        return ArgoWorkflows.load(file, templates, mode == Mode.CHECK ? argo.forChecking() : argo);
    }
}

package floe.argo;

import floe.spec.LocalImages;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a workflow file meets this machine: a directory for each volume it mounts, parameter
 * values given on the command line ({@code -p name=value}), and which images may run here and in
 * which directory their commands run when a template sets no {@code workingDir} ({@link LocalImages}),
 * and the repository of {@code oss} artifacts that name only a key ({@link ArtifactRepository}).
 */
public record ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, LocalImages images,
        ArtifactRepository artifacts, int recursionDepth, Map<String, String> secrets, Map<String, String> configMaps,
        String volumeRoot, boolean keepVolumes, boolean checking, String memoizeDir, String lockDir,
        Map<String, Integer> semaphoreLimits, String kubeconfig, String suspendDir) {
    /** How many levels deep a template may call itself unless {@code floe.argo.max-recursion-depth} says otherwise. */
    public static final int DEFAULT_RECURSION_DEPTH = 10;
    /** Where the suspended tasks of every run wait unless {@code floe.argo.suspend-dir} says otherwise. */
    public static final String DEFAULT_SUSPEND_DIR = System.getProperty("user.home") + "/.floe/suspended";

    public ArgoOptions {
        volumes = new TreeMap<>(volumes);
        parameters = new TreeMap<>(parameters);
        secrets = new TreeMap<>(secrets);
        artifacts = (artifacts == null ? ArtifactRepository.none() : artifacts).withSecrets(secrets, checking);
        configMaps = new TreeMap<>(configMaps);
        volumeRoot = volumeRoot == null ? System.getProperty("java.io.tmpdir") + "/floe-volumes" : volumeRoot;
        memoizeDir = memoizeDir == null ? System.getProperty("user.home") + "/.floe/memoize" : memoizeDir;
        lockDir = lockDir == null ? System.getProperty("user.home") + "/.floe/locks" : lockDir;
        semaphoreLimits = new TreeMap<>(semaphoreLimits);
        suspendDir = suspendDir == null ? DEFAULT_SUSPEND_DIR : suspendDir;
        if (recursionDepth < 1) {
            throw new floe.SpecException("floe.argo.max-recursion-depth: must be at least 1, got " + recursionDepth);
        }
    }

    public ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, LocalImages images, ArtifactRepository artifacts) {
        this(volumes, parameters, images, artifacts, DEFAULT_RECURSION_DEPTH, Map.of(), Map.of(), null, false, false, null, null, Map.of(), null, null);
    }

    public ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, LocalImages images, ArtifactRepository artifacts,
            int recursionDepth) {
        this(volumes, parameters, images, artifacts, recursionDepth, Map.of(), Map.of(), null, false, false, null, null, Map.of(), null, null);
    }

    /** These options with another recursion limit. */
    public ArgoOptions withRecursionDepth(int depth) {
        return new ArgoOptions(volumes, parameters, images, artifacts, depth, secrets, configMaps, volumeRoot, keepVolumes, checking, memoizeDir, lockDir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /**
     * These options with the secrets ({@code --secret NAME=DIR}: a file per key) and config maps
     * ({@code --config-map NAME=DIR}, a file per key, or {@code NAME=FILE}, a YAML or JSON map) the
     * workflow's volumes, env and parameters name, and the directory under which each run gets its
     * volume claims and empty directories.
     */
    public ArgoOptions withLocal(Map<String, String> secrets, Map<String, String> configMaps, String volumeRoot, boolean keep) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keep, checking, memoizeDir, lockDir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /**
     * These options for checking a workflow without running it ({@code floe lint}): what the run
     * needs from this machine and the command line does not give (a secret's or config map's keys,
     * a cluster's volume claim, the inputs of a WorkflowTemplate linted on its own, which the
     * workflow that uses it gives) is a notice, not an error, as Argo's lint does not look for them.
     */
    public ArgoOptions forChecking() {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes, true, memoizeDir, lockDir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /** These options with another artifact repository. */
    public ArgoOptions withArtifacts(ArtifactRepository repository) {
        return new ArgoOptions(volumes, parameters, images, repository, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, memoizeDir, lockDir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /** These options with the directory of the synchronization locks ({@code floe.argo.lock-dir}). */
    public ArgoOptions withLockDir(String dir) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, memoizeDir, dir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /** These options with the directory of the memoization caches ({@code floe.argo.memoize-dir}). */
    public ArgoOptions withMemoizeDir(String dir) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, dir, lockDir, semaphoreLimits, kubeconfig, suspendDir);
    }

    /**
     * These options with the limits of the semaphores Argo keeps in its database
     * ({@code floe.argo.semaphore-limits}: {@code NAMESPACE/KEY} to a limit), which Floe keeps beside its locks.
     */
    public ArgoOptions withSemaphoreLimits(Map<String, Integer> limits) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, memoizeDir, lockDir, limits, kubeconfig, suspendDir);
    }

    /**
     * These options with the kubeconfig file ({@code --kubeconfig}, {@code floe.argo.kubeconfig}) of
     * the Kubernetes API server resource templates act on; null: none, and they are refused.
     */
    public ArgoOptions withKubeconfig(String file) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, memoizeDir, lockDir, semaphoreLimits, file, suspendDir);
    }

    /** These options with the directory where suspended tasks wait to be resumed ({@code floe.argo.suspend-dir}). */
    public ArgoOptions withSuspendDir(String dir) {
        return new ArgoOptions(volumes, parameters, images, artifacts, recursionDepth, secrets, configMaps, volumeRoot, keepVolumes,
                checking, memoizeDir, lockDir, semaphoreLimits, kubeconfig, dir);
    }

    /** No artifact repository: artifacts must name their bucket. */
    public ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, LocalImages images) {
        this(volumes, parameters, images, ArtifactRepository.none());
    }

    /** Every image allowed, commands in {@code imageDir}. */
    public ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, String imageDir) {
        this(volumes, parameters, LocalImages.anyIn(imageDir));
    }
}

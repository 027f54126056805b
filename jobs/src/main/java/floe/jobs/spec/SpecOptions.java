package floe.jobs.spec;

import floe.SpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a workflow's names meet the machines its tasks run on: the directory of each volume, of each
 * secret and config map (never their values: a task reads a secret when it starts), the values of
 * {@code -p} parameters, the directories of images, and where a command runs when its template sets
 * no {@code workingDir} (null: the workflow file's directory, or the Batch directory).
 *
 * <pre>{@code
 * SpecOptions options = SpecOptions.none().withImageDir("/opt/floe/work");
 * SpecOptions here = new SpecOptions(Map.of("workdir", "vol"), Map.of("db", "secrets/db"), Map.of(), Map.of(), Map.of(), null)
 *         .resolvedHere();   // absolute, and each directory checked to exist on this machine
 * }</pre>
 */
public record SpecOptions(
        Map<String, String> volumes,
        Map<String, String> secrets,
        Map<String, String> configMaps,
        Map<String, String> parameters,
        Map<String, String> images,
        String imageDir,
        String kubeconfig) {

    /** Options without a kubeconfig. */
    public SpecOptions(Map<String, String> volumes, Map<String, String> secrets, Map<String, String> configMaps,
            Map<String, String> parameters, Map<String, String> images, String imageDir) {
        this(volumes, secrets, configMaps, parameters, images, imageDir, null);
    }

    public SpecOptions {
        volumes = new LinkedHashMap<>(volumes);
        secrets = new LinkedHashMap<>(secrets);
        configMaps = new LinkedHashMap<>(configMaps);
        parameters = new LinkedHashMap<>(parameters);
        images = new LinkedHashMap<>(images);
    }

    /** Nothing given: no volumes, secrets, config maps, parameters or image directories. */
    public static SpecOptions none() {
        return new SpecOptions(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), null);
    }

    public SpecOptions withVolumes(Map<String, String> dirs) {
        return new SpecOptions(dirs, secrets, configMaps, parameters, images, imageDir, kubeconfig);
    }

    public SpecOptions withImageDir(String dir) {
        return new SpecOptions(volumes, secrets, configMaps, parameters, images, dir, kubeconfig);
    }

    /** These options with the kubeconfig resource templates use ({@code --kubeconfig}; null: the setting's, if any). */
    public SpecOptions withKubeconfig(String file) {
        return new SpecOptions(volumes, secrets, configMaps, parameters, images, imageDir, file);
    }

    /**
     * These options with the images' own working directories ({@code IMAGE=DIR}, as
     * {@code floe.local.working-dirs} gives them) after those already given, so a cluster that runs
     * the commands on its machines starts them where this client would.
     */
    public SpecOptions withWorkingDirs(List<String> specs) {
        Map<String, String> more = new LinkedHashMap<>(images);
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq > 0) {
                more.putIfAbsent(spec.substring(0, eq).strip(), spec.substring(eq + 1).strip());
            }
        }
        return new SpecOptions(volumes, secrets, configMaps, parameters, more, imageDir);
    }

    /**
     * These options with every path made absolute, for a workflow whose tasks run on this machine
     * (or one that shares its files): a volume, secret or config map that is not here is refused,
     * naming its option.
     */
    public SpecOptions resolvedHere() {
        Map<String, String> imageDirs = new LinkedHashMap<>();
        images.forEach((image, dir) -> imageDirs.put(image, absolute(dir)));
        return new SpecOptions(existing("--volume", volumes, true), existing("--secret", secrets, true),
                existing("--config-map", configMaps, false), parameters, imageDirs, imageDir == null ? null : absolute(imageDir),
                kubeconfig == null ? null : existing("--kubeconfig", Map.of("", kubeconfig), false).get(""));
    }

    /** Each NAME=PATH with the path made absolute; it must exist (a directory when {@code dirOnly}). */
    private static Map<String, String> existing(String option, Map<String, String> given, boolean dirOnly) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((name, path) -> {
            Path p = Path.of(path).toAbsolutePath().normalize();
            if (dirOnly ? !Files.isDirectory(p) : !Files.exists(p)) {
                throw new SpecException(option + " " + (name.isEmpty() ? "" : name + "=") + path + ": no such "
                        + (dirOnly ? "directory" : "file or directory"));
            }
            out.put(name, p.toString());
        });
        return out;
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}

package floe.argo;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a workflow file meets this machine: a directory for each volume it mounts, parameter
 * values given on the command line ({@code -p name=value}), and the directory a container's
 * command runs in when its template sets no {@code workingDir} (in local mode that stands in
 * for the image's working directory: where the scripts are; by default the workflow file's).
 */
public record ArgoOptions(Map<String, String> volumes, Map<String, String> parameters, String imageDir) {

    public ArgoOptions {
        volumes = new TreeMap<>(volumes);
        parameters = new TreeMap<>(parameters);
    }
}

package floe.jobs.kubernetes;

import floe.SpecException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.api.model.Pod;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a pod template file before anything is created, the way Flink will read it in the
 * JobManager and client (as a Kubernetes Pod), so one that does not parse is refused here with its
 * file, line and column instead of failing inside a JobManager pod.
 */
final class PodTemplates {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final org.apache.flink.kubernetes.shaded.com.fasterxml.jackson.databind.ObjectMapper POD =
            new org.apache.flink.kubernetes.shaded.com.fasterxml.jackson.databind.ObjectMapper(
                    new org.apache.flink.kubernetes.shaded.com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    private PodTemplates() {}

    /** Refuses {@code file}, the value of setting {@code key}, unless it is one YAML Pod. */
    static void check(String key, Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(key + ": cannot read pod template file " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                String context = y.getContextMark() == null ? "" : " (" + y.getContext() + " at line " + (y.getContextMark().getLine() + 1)
                        + ", column " + (y.getContextMark().getColumn() + 1) + ")";
                throw new SpecException(file + ":" + (y.getProblemMark().getLine() + 1) + ":" + (y.getProblemMark().getColumn() + 1) + ": "
                        + key + ": the pod template is not YAML: " + y.getProblem() + context);
            }
            throw new SpecException(at(file, e.getLocation()) + key + ": the pod template is not YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SpecException(file + ": " + key + ": a pod template is one YAML mapping (apiVersion: v1, kind: Pod, spec: …)");
        }
        String kind = root.path("kind").asText("Pod");
        if (!kind.equals("Pod")) {
            throw new SpecException(file + ": " + key + ": kind is '" + kind + "': a pod template is a Pod");
        }
        try {
            // Flink's Kubernetes client reads it into this class (its own shaded fabric8 model).
            POD.readValue(text, Pod.class);
        } catch (org.apache.flink.kubernetes.shaded.com.fasterxml.jackson.core.JsonProcessingException e) {
            org.apache.flink.kubernetes.shaded.com.fasterxml.jackson.core.JsonLocation loc = e.getLocation();
            String where = loc == null ? file + ": " : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
            throw new SpecException(where + key + ": not a Pod: " + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " "));
        }
    }

    private static String at(Path file, JsonLocation loc) {
        return loc == null ? file + ": " : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
    }

}

package floe.argo;

import floe.SpecException;
import floe.model.TaskOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Argo's memoization cache on this machine. Where Argo keeps a cache in a ConfigMap, Floe keeps a
 * directory of that name under {@code floe.argo.memoize-dir}, with a file per key holding the
 * entry as Argo writes it ({@code nodeID}, {@code outputs} with {@code parameters}, {@code result}
 * and {@code exitCode}, {@code creationTimestamp}, {@code lastHitTimestamp}). An entry is written
 * once its task succeeded, whole or not at all; it is reused while younger than {@code maxAge}.
 */
final class MemoCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Kubernetes allows as a ConfigMap's key, and so as a memoization key. */
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    private final Path dir;

    /** The cache {@code name} under {@code root}; {@code where}: the spec path errors name. */
    MemoCache(String root, String name, String where) {
        if (name == null || !KEY.matcher(name).matches()) {
            throw new SpecException(where + ".cache.configMap.name: give the cache's name (a ConfigMap's name), got " + name);
        }
        this.dir = Path.of(root, name);
    }

    /** Checks {@code key} may name an entry. */
    void check(String key, String where) {
        file(key, where);
    }

    private Path file(String key, String where) {
        if (!KEY.matcher(key).matches() || key.equals(".") || key.equals("..")) {
            throw new SpecException(where + ".key: '" + key + "' is not a valid cache key (letters, digits, '-', '_' and '.', as a"
                    + " ConfigMap's keys)");
        }
        return dir.resolve(key);
    }

    /** The outputs kept under {@code key}, or null when there are none younger than {@code maxAge} (null: any age). */
    Map<String, String> read(String key, Duration maxAge, String where) throws IOException {
        Path file = file(key, where);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode entry;
        try {
            entry = JSON.readTree(file.toFile());
        } catch (IOException e) {
            return null; // not an entry Floe wrote: run the task, which writes one
        }
        Instant created = Instant.parse(entry.path("creationTimestamp").asText(Instant.EPOCH.toString()));
        if (maxAge != null && Duration.between(created, Instant.now()).compareTo(maxAge) > 0) {
            return null;
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        JsonNode out = entry.path("outputs");
        for (JsonNode p : out.path("parameters")) {
            outputs.put(TaskOutcome.parameterKey(p.path("name").asText()), p.path("value").asText());
        }
        if (out.has("result")) {
            outputs.put(TaskOutcome.RESULT, out.get("result").asText());
        }
        outputs.put(TaskOutcome.EXIT_CODE, out.path("exitCode").asText("0"));
        ((ObjectNode) entry).put("lastHitTimestamp", Instant.now().toString());
        write(file, entry);
        return outputs;
    }

    /** Keeps {@code outcome} (a succeeded task's) under {@code key}. */
    void write(String key, String node, TaskOutcome outcome, String where) throws IOException {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("nodeID", node);
        ObjectNode out = entry.putObject("outputs");
        ArrayNode parameters = out.putArray("parameters");
        outcome.parameters().forEach((name, value) -> parameters.addObject().put("name", name).put("value", value));
        outcome.result().ifPresent(result -> out.put("result", result));
        out.put("exitCode", Integer.toString(outcome.exitCode().orElse(0)));
        String now = Instant.now().toString();
        entry.put("creationTimestamp", now);
        entry.put("lastHitTimestamp", now);
        write(file(key, where), entry);
    }

    private static void write(Path file, JsonNode entry) throws IOException {
        Files.createDirectories(file.getParent());
        Path part = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".part");
        try {
            JSON.writeValue(part.toFile(), entry);
            try {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
    }
}

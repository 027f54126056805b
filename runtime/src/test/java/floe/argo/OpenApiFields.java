package floe.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields Argo's OpenAPI documents list for each object type a Workflow, WorkflowTemplate,
 * ClusterWorkflowTemplate or CronWorkflow reaches, with the JSON kind of each (string, integer,
 * boolean, number, object, array, any): the fixture {@code src/test/resources/argo/openapi-fields.txt}
 * that {@link ArgoFieldsTest} holds the catalogue to. Made from Argo's
 * {@code api/openapi-spec/swagger.json} of several releases (a field one of them has is Argo's:
 * specs written for an older Argo keep working), by
 * {@code mvn -pl runtime test -Dtest=ArgoFieldsTest -Dfloe.argo.openapi=OLD.json,...,NEWEST.json}.
 */
final class OpenApiFields {
    static final Path FIXTURE = Path.of("src/test/resources/argo/openapi-fields.txt");
    private static final String ARGO = "io.argoproj.workflow.v1alpha1.";
    private static final List<String> ROOTS = List.of("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow");

    private OpenApiFields() {}

    /** Type (OpenAPI name) -> field -> JSON kind, as the fixture lists them. */
    static Map<String, Map<String, String>> read() throws IOException {
        Map<String, Map<String, String>> types = new TreeMap<>();
        for (String line : Files.readAllLines(FIXTURE, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.trim().split("\\s+");
            Map<String, String> fields = new TreeMap<>();
            for (int i = 1; i < words.length; i++) {
                int colon = words[i].indexOf(':');
                fields.put(words[i].substring(0, colon), words[i].substring(colon + 1));
            }
            types.put(words[0], fields);
        }
        return types;
    }

    /** Writes the fixture from Argo's OpenAPI documents, the newest last (its kinds win). */
    static void write(List<Path> swaggers) throws IOException {
        Map<String, Map<String, String>> types = new TreeMap<>();
        for (Path swagger : swaggers) {
            reachable(new ObjectMapper().readTree(swagger.toFile()).get("definitions"))
                    .forEach((type, fields) -> types.computeIfAbsent(type, t -> new TreeMap<>()).putAll(fields));
        }
        StringBuilder out = new StringBuilder();
        out.append("# The fields of each object type Argo's OpenAPI documents (api/openapi-spec/swagger.json of several\n")
                .append("# releases) list, for every type a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow\n")
                .append("# reaches, with each field's JSON kind. Made by OpenApiFields from Argo v3.5.0, v3.7.18 and v4.1.2 with\n")
                .append("#   mvn -pl runtime test -Dtest=ArgoFieldsTest -Dfloe.argo.openapi=v3.5.0.json,v3.7.18.json,v4.1.2.json\n")
                .append("# (each `git show TAG:api/openapi-spec/swagger.json` of github.com/argoproj/argo-workflows).\n");
        types.forEach((type, fields) -> {
            out.append(type);
            fields.forEach((f, k) -> out.append(' ').append(f).append(':').append(k));
            out.append('\n');
        });
        Files.writeString(FIXTURE, out.toString(), StandardCharsets.UTF_8);
    }

    /** The object types the roots reach in one document's definitions, with their fields' kinds. */
    private static Map<String, Map<String, String>> reachable(JsonNode defs) {
        Map<String, Map<String, String>> types = new TreeMap<>();
        Deque<String> todo = new ArrayDeque<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        ROOTS.forEach(r -> todo.add(ARGO + r));
        while (!todo.isEmpty()) {
            String name = todo.poll();
            JsonNode def = defs.get(name);
            if (!seen.add(name) || def == null) {
                continue;
            }
            if (!isObject(def)) {
                reached(def).ifPresent(todo::add); // a list type (steps' ParallelSteps) leads on through its items
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            def.path("properties").fields().forEachRemaining(p -> {
                fields.put(p.getKey(), kind(p.getValue(), defs));
                reached(p.getValue()).ifPresent(todo::add);
            });
            types.put(name, new TreeMap<>(fields));
        }
        return types;
    }

    private static boolean isObject(JsonNode def) {
        return def.has("properties") || "object".equals(def.path("type").asText());
    }

    /** The definition a property leads to, through lists, maps and list types. */
    private static java.util.Optional<String> reached(JsonNode property) {
        if (property.has("$ref")) {
            return java.util.Optional.of(property.get("$ref").asText().replace("#/definitions/", ""));
        }
        if (property.has("items")) {
            return reached(property.get("items"));
        }
        if (property.has("additionalProperties")) {
            return reached(property.get("additionalProperties"));
        }
        return java.util.Optional.empty();
    }

    private static String kind(JsonNode property, JsonNode defs) {
        if (property.has("$ref")) {
            JsonNode def = defs.get(property.get("$ref").asText().replace("#/definitions/", ""));
            if (def == null) {
                return "any";
            }
            if (isObject(def)) {
                return "object";
            }
            return def.has("type") ? def.get("type").asText() : def.has("items") ? "array" : "any";
        }
        return property.has("type") ? property.get("type").asText() : "any";
    }
}

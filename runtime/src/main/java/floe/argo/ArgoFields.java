package floe.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every field of Argo's resources and what Floe does with it, in one place: {@code argo-fields.txt}
 * beside this class, taken from Argo's OpenAPI document. A field is <em>read</em> (it has its
 * effect), <em>noticed</em> (accepted, with a one-line notice that it has no effect here) or
 * <em>refused</em> (an error naming the Argo feature). {@link #screen} checks a parsed document
 * against it before the document is bound to {@link ArgoSpec}, so no field is dropped without a word
 * and a field Argo has is never called unknown.
 */
final class ArgoFields {
    /** What Floe does with a field. */
    enum Disposition { READ, NOTICE, REFUSE }

    /**
     * One field of an Argo type. {@code type}: for a read field, the catalogued type its value is
     * checked as (null: taken as it is), the values of a map of them with {@code map};
     * {@code defaultValue}: the value that asks for nothing (null: none); {@code feature} and
     * {@code reason}: what a notice or refusal says.
     */
    record Field(String owner, String name, Disposition disposition, String type, boolean map, String defaultValue,
            String feature, String reason) {
        /** The notice or the error for this field. */
        String message() {
            return switch (disposition) {
                case READ -> "read";
                case NOTICE -> "no effect here: " + reason;
                case REFUSE -> feature + " " + reason;
            };
        }
    }

    /** An Argo type: its short name, its OpenAPI name, and its fields in the order of the catalogue. */
    record Type(String name, String openApiName, Map<String, Field> fields) {}

    /** A noticed field: its spec path and the notice. */
    record Notice(String path, String message) {}

    static final String API_VERSION = "argoproj.io/v1alpha1";
    /** The kinds Floe reads, each the catalogued type of its document. */
    static final List<String> KINDS = List.of("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow");
    private static final String CATALOGUE = "argo-fields.txt";
    private static final Map<String, Type> TYPES = load();

    private ArgoFields() {}

    /** The catalogue, by short type name, in the order of the file. */
    static Map<String, Type> types() {
        return TYPES;
    }

    /**
     * Checks one parsed document of {@code kind} against the catalogue: noticed fields are removed
     * and returned as notices; a refused field, a field Argo does not have or an unknown kind throws
     * an {@link ArgoConverter.ArgoError} at its spec path. Fields whose values Floe takes as they are
     * (labels, parameter values, {@code withItems}) are not looked into.
     */
    static List<Notice> screen(ObjectNode document, String kind) {
        if (kind == null) {
            throw new ArgoConverter.ArgoError("kind", "missing: give kind: Workflow (or WorkflowTemplate, ClusterWorkflowTemplate,"
                    + " CronWorkflow)");
        }
        if (!KINDS.contains(kind)) {
            throw new ArgoConverter.ArgoError("kind", "'" + kind + "' is not a Workflow, WorkflowTemplate, ClusterWorkflowTemplate"
                    + " or CronWorkflow");
        }
        JsonNode version = document.get("apiVersion");
        if (version != null && !version.isNull() && !API_VERSION.equals(version.asText())) {
            throw new ArgoConverter.ArgoError("apiVersion", "'" + version.asText() + "' is not " + API_VERSION
                    + ", the version of Argo's resources Floe reads");
        }
        List<Notice> notices = new ArrayList<>();
        check(document, TYPES.get(kind), "", notices);
        return notices;
    }

    private static void check(ObjectNode node, Type type, String path, List<Notice> notices) {
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            Field field = type.fields().get(e.getKey());
            if (field == null) {
                throw new ArgoConverter.ArgoError(at, "unknown field '" + e.getKey() + "' (Argo's " + type.name()
                        + (type.fields().isEmpty() ? " has no fields)" : " has: " + String.join(", ", new TreeSet<>(type.fields().keySet())) + ")"));
            }
            JsonNode value = e.getValue();
            boolean asksNothing = value.isNull() || (field.defaultValue() != null && value.isValueNode()
                    && field.defaultValue().equals(value.asText()));
            switch (field.disposition()) {
                case READ -> {
                    if (field.type() != null && field.map() && value instanceof ObjectNode map) {
                        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) map::fields) {
                            descend(entry.getValue(), TYPES.get(field.type()), at + "." + entry.getKey(), notices);
                        }
                    } else if (field.type() != null && !field.map()) {
                        descend(value, TYPES.get(field.type()), at, notices);
                    }
                }
                case NOTICE -> {
                    if (!asksNothing) {
                        notices.add(new Notice(at, field.message()));
                    }
                    dropped.add(e.getKey());
                }
                case REFUSE -> {
                    if (!asksNothing) {
                        throw new ArgoConverter.ArgoError(at, field.message());
                    }
                    dropped.add(e.getKey());
                }
            }
        }
        node.remove(dropped);
    }

    /** An object of {@code type}, or a list of them (steps are a list of lists): anything else is the binder's to refuse. */
    private static void descend(JsonNode value, Type type, String path, List<Notice> notices) {
        if (value instanceof ObjectNode object) {
            check(object, type, path, notices);
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                descend(value.get(i), type, path + "[" + i + "]", notices);
            }
        }
    }

    private static Map<String, Type> load() {
        try (InputStream in = ArgoFields.class.getResourceAsStream(CATALOGUE)) {
            if (in == null) {
                throw new IllegalStateException(CATALOGUE + " is not on the class path beside " + ArgoFields.class.getName());
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The catalogue's lines, read into types; a mistake in them fails here, naming the line. */
    static Map<String, Type> parse(List<String> lines) {
        Map<String, Type> types = new LinkedHashMap<>();
        Type current = null;
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 3);
            String where = CATALOGUE + ":" + n + ": ";
            if (words[0].equals("type")) {
                String[] header = line.split("\\s+");
                String openApi = header[1];
                boolean named = header.length == 4 && header[2].equals("as");
                // "as SHORT" names a type whose short name another type has (Argo's HTTPHeader and Kubernetes').
                String name = named ? header[3] : openApi.substring(openApi.lastIndexOf('.') + 1);
                Map<String, Field> fields = new LinkedHashMap<>();
                if (header.length == 4 && header[2].equals("like") && types.containsKey(header[3])) {
                    types.get(header[3]).fields().values().forEach(f -> fields.put(f.name(), new Field(name, f.name(),
                            f.disposition(), f.type(), f.map(), f.defaultValue(), f.feature(), f.reason())));
                } else if (header.length != 2 && !named) {
                    throw new IllegalStateException(where + "expected 'type NAME', 'type NAME like EARLIER-TYPE' or 'type NAME as SHORT'");
                }
                if (types.containsKey(name)) {
                    throw new IllegalStateException(where + "type " + name + " twice");
                }
                current = new Type(name, openApi, fields);
                types.put(name, current);
                continue;
            }
            if (current == null || words.length < 2) {
                throw new IllegalStateException(where + "expected 'FIELD READ|NOTICE|REFUSE ...' after a 'type' line");
            }
            current.fields().put(words[0], field(current.name(), words, where));
        }
        for (Type t : types.values()) {
            for (Field f : t.fields().values()) {
                if (f.type() != null && !types.containsKey(f.type())) {
                    throw new IllegalStateException(CATALOGUE + ": " + t.name() + "." + f.name() + " is read as " + f.type()
                            + ", which has no 'type' section");
                }
            }
        }
        Map<String, Type> frozen = new LinkedHashMap<>();
        types.forEach((k, t) -> frozen.put(k, new Type(t.name(), t.openApiName(), Collections.unmodifiableMap(t.fields()))));
        return Collections.unmodifiableMap(frozen);
    }

    private static Field field(String owner, String[] words, String where) {
        Disposition disposition;
        try {
            disposition = Disposition.valueOf(words[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + "'" + words[1] + "' is not READ, NOTICE or REFUSE");
        }
        String rest = words.length > 2 ? words[2].strip() : "";
        if (disposition == Disposition.READ) {
            if (rest.contains(" ")) {
                throw new IllegalStateException(where + "a READ field names at most the type it is checked as (TYPE, or {TYPE} for a map)");
            }
            boolean map = rest.startsWith("{") && rest.endsWith("}");
            String type = map ? rest.substring(1, rest.length() - 1) : rest;
            return new Field(owner, words[0], disposition, type.isEmpty() ? null : type, map, null, null, null);
        }
        String defaultValue = null;
        if (rest.startsWith("default=")) {
            String[] split = rest.split("\\s+", 2);
            defaultValue = split[0].substring("default=".length());
            rest = split.length > 1 ? split[1] : "";
        }
        if (disposition == Disposition.NOTICE) {
            if (rest.isEmpty()) {
                throw new IllegalStateException(where + "a NOTICE field says why it has no effect");
            }
            return new Field(owner, words[0], disposition, null, false, defaultValue, null, rest);
        }
        int bar = rest.indexOf('|');
        if (bar < 1 || bar == rest.length() - 1) {
            throw new IllegalStateException(where + "a REFUSE field gives 'FEATURE | WHY'");
        }
        return new Field(owner, words[0], disposition, null, false, defaultValue, rest.substring(0, bar).strip(),
                rest.substring(bar + 1).strip());
    }
}

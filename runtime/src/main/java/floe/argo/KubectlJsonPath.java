package floe.argo;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An output parameter's {@code valueFrom.jsonPath}: a kubectl JSONPath template ({@code
 * {.metadata.name}}, text around the braces kept), as Argo reads it with {@code kubectl get -o
 * jsonpath=...}. What is inside each pair of braces is a JSONPath expression evaluated by Jayway
 * JsonPath; a string prints as it is, a number or boolean as its JSON text, an object or list as
 * JSON, several results with a space between them, a missing key as nothing (kubectl's default,
 * {@code --allow-missing-template-keys}). kubectl's {@code range}/{@code end} loops are refused.
 */
final class KubectlJsonPath {
    private static final Configuration JSON_NODES = Configuration.builder().jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider()).options(Option.SUPPRESS_EXCEPTIONS).build();
    private static final Configuration STRICT = Configuration.builder().jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider()).build();

    private KubectlJsonPath() {}

    /** The parts of a template: text as it is, and compiled expressions. */
    private record Part(String text, JsonPath path, String expression) {}

    /** Checks {@code template} (at spec path {@code where}) without an object to read. */
    static void check(String template, String where) {
        parts(template, where);
    }

    /** The template's text over {@code object}. */
    static String read(String template, JsonNode object, String where) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts(template, where)) {
            if (part.path() == null) {
                out.append(part.text());
                continue;
            }
            JsonNode found;
            try {
                found = part.path().read(object, part.path().isDefinite() ? STRICT : JSON_NODES);
            } catch (PathNotFoundException e) {
                continue; // kubectl prints nothing for a missing key (--allow-missing-template-keys, its default)
            }
            if (!part.path().isDefinite()) {
                List<String> each = new ArrayList<>();
                found.forEach(v -> each.add(ResourceCondition.text(v)));
                out.append(String.join(" ", each));
            } else if (found != null) {
                out.append(ResourceCondition.text(found));
            }
        }
        return out.toString();
    }

    private static List<Part> parts(String template, String where) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                parts.add(new Part(template.substring(i), null, null));
                break;
            }
            if (open > i) {
                parts.add(new Part(template.substring(i, open), null, null));
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new ArgoConverter.ArgoError(where, "'" + template + "': a '{' with no '}'");
            }
            String expression = template.substring(open + 1, close).trim();
            if (expression.startsWith("range") || expression.equals("end")) {
                throw new ArgoConverter.ArgoError(where, "'" + template + "': kubectl's range and end are not supported by Floe"
                        + " (a path with [*] gives every item, a space between them)");
            }
            if (expression.startsWith("\"") && expression.endsWith("\"") && expression.length() >= 2) {
                parts.add(new Part(expression.substring(1, expression.length() - 1).replace("\\n", "\n").replace("\\t", "\t"), null, null));
            } else {
                String path = expression.isEmpty() || expression.equals(".") ? "$" : expression.startsWith("$") ? expression
                        : "$" + (expression.startsWith(".") || expression.startsWith("[") ? "" : ".") + expression;
                try {
                    parts.add(new Part(null, JsonPath.compile(path), "{" + expression + "}"));
                } catch (InvalidPathException | IllegalArgumentException e) {
                    throw new ArgoConverter.ArgoError(where, "'" + template + "': {" + expression + "} is not a JSONPath: " + e.getMessage());
                }
            }
            i = close + 1;
        }
        return parts;
    }
}

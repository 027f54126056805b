package floe.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML or JSON spec is, by spec path ({@code spec.templates[1].steps[0][0].template}),
 * so that errors found after parsing still name the line and column. Reads YAML and JSON alike;
 * every front-end's messages use it.
 */
public final class SpecLocations {
    private final String file;
    private final Map<String, JsonLocation> byPath = new HashMap<>();

    private SpecLocations(String file) {
        this.file = file;
    }

    public static SpecLocations of(String file, String text) throws IOException {
        SpecLocations locations = new SpecLocations(file);
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
                    locations.byPath.putIfAbsent(tokenPath(p, t), p.currentTokenLocation());
                }
            }
        }
        return locations;
    }

    /**
     * One {@code SpecLocations} per document of a multi-document YAML text ({@code ---} between
     * documents), in order; lines and columns count from the start of the whole text.
     */
    public static java.util.List<SpecLocations> ofDocuments(String file, String text) throws IOException {
        java.util.List<SpecLocations> docs = new java.util.ArrayList<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            SpecLocations current = null;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (depth == 0) {
                    current = new SpecLocations(file);
                    docs.add(current);
                }
                if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
                    current.byPath.putIfAbsent(tokenPath(p, t), p.currentTokenLocation());
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
        }
        return docs;
    }

    /** {@code file:line:column: path} for the deepest known prefix of {@code path}. */
    public String at(String path) {
        String probe = path;
        while (!probe.isEmpty()) {
            JsonLocation loc = byPath.get(probe);
            if (loc != null) {
                return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": " + path;
            }
            int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
            probe = cut < 0 ? "" : probe.substring(0, cut);
        }
        return file + ": " + path;
    }

    public String file() {
        return file;
    }

    /** The spec path where Jackson could not bind a value: {@code spec.templates[1].containr}. */
    public static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
            } else {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** The spec path of a container context: {@code spec.templates[1].steps[0]}. */
    static String path(JsonStreamContext ctx) {
        StringBuilder out = new StringBuilder();
        build(ctx, out);
        return out.toString();
    }

    private static void build(JsonStreamContext ctx, StringBuilder out) {
        JsonStreamContext parent = ctx == null ? null : ctx.getParent();
        if (parent == null) {
            return;
        }
        build(parent, out);
        if (parent.inObject()) {
            out.append(out.length() == 0 ? "" : ".").append(parent.getCurrentName());
        } else if (parent.inArray()) {
            out.append('[').append(parent.getCurrentIndex()).append(']');
        }
    }

    /** The path of the token the parser is on. */
    private static String tokenPath(JsonParser p, JsonToken t) {
        JsonStreamContext ctx = t.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
        String base = path(ctx);
        if (ctx.inObject()) {
            return base + (base.isEmpty() ? "" : ".") + ctx.getCurrentName();
        }
        if (ctx.inArray()) {
            return base + "[" + ctx.getCurrentIndex() + "]";
        }
        return base;
    }
}

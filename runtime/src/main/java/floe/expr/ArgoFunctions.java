package floe.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The functions Argo's {@code {{=...}}} expressions call, under Argo's names, registered as
 * JEXL's namespace-less functions.
 */
public final class ArgoFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgoFunctions() {}

    public static long asInt(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        String s = String.valueOf(value).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            double d = Double.parseDouble(s);
            return (long) d;
        }
    }

    public static double asFloat(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value).trim());
    }

    public static String string(Object value) {
        return Templates.format(value);
    }

    public static String toJson(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    /** The value at {@code path} ({@code $.a.b[0]}) of a JSON text, as Argo's {@code jsonpath(json, path)}. */
    public static Object jsonpath(Object json, String path) {
        return com.jayway.jsonpath.JsonPath.read(String.valueOf(json), path);
    }
}

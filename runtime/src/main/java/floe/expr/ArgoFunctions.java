package floe.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The functions Argo's {@code {{=...}}} expressions call, under Argo's names, registered as
 * JEXL's namespace-less functions. JEXL makes one for each evaluation, with its context, which
 * the closures of {@code map}, {@code filter} and the like see, as expr's closures see every
 * variable of the expression.
 */
public final class ArgoFunctions {
    /** As Go writes JSON: a map's keys in order. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final org.apache.commons.jexl3.JexlContext context;

    public ArgoFunctions(org.apache.commons.jexl3.JexlContext context) {
        this.context = context;
    }

    /** expr's {@code a contains b}: whether the text {@code a} holds {@code b}. */
    public static boolean contains(Object text, Object part) {
        return String.valueOf(text).contains(String.valueOf(part));
    }

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

    /** expr's {@code filter(list, {predicate})}: the elements the predicate holds for, in order. */
    public java.util.List<Object> filter(Object list, org.apache.commons.jexl3.JexlScript predicate) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (Object item : items(list)) {
            if (Boolean.TRUE.equals(predicate.execute(context, item))) {
                out.add(item);
            }
        }
        return out;
    }

    /** expr's {@code map(list, {function})}: the function of each element, in order. */
    public java.util.List<Object> map(Object list, org.apache.commons.jexl3.JexlScript function) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (Object item : items(list)) {
            out.add(function.execute(context, item));
        }
        return out;
    }

    public boolean all(Object list, org.apache.commons.jexl3.JexlScript predicate) {
        return items(list).stream().allMatch(i -> Boolean.TRUE.equals(predicate.execute(context, i)));
    }

    public boolean any(Object list, org.apache.commons.jexl3.JexlScript predicate) {
        return items(list).stream().anyMatch(i -> Boolean.TRUE.equals(predicate.execute(context, i)));
    }

    public boolean none(Object list, org.apache.commons.jexl3.JexlScript predicate) {
        return items(list).stream().noneMatch(i -> Boolean.TRUE.equals(predicate.execute(context, i)));
    }

    public long count(Object list, org.apache.commons.jexl3.JexlScript predicate) {
        return items(list).stream().filter(i -> Boolean.TRUE.equals(predicate.execute(context, i))).count();
    }

    /** expr's {@code len}: of a list, a map or a string. */
    public static long len(Object value) {
        if (value instanceof java.util.Collection<?> c) {
            return c.size();
        }
        if (value instanceof java.util.Map<?, ?> m) {
            return m.size();
        }
        if (value != null && value.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(value);
        }
        return String.valueOf(value).length();
    }

    /** A list, an array, or a JSON list's text, as a list. */
    private static java.util.List<Object> items(Object list) {
        if (list instanceof java.util.List<?> l) {
            return new java.util.ArrayList<>(l);
        }
        if (list != null && list.getClass().isArray()) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(list); i++) {
                out.add(java.lang.reflect.Array.get(list, i));
            }
            return out;
        }
        try {
            Object parsed = JSON.readValue(String.valueOf(list), Object.class);
            if (parsed instanceof java.util.List<?> l) {
                return new java.util.ArrayList<>(l);
            }
        } catch (JsonProcessingException e) {
            // not a JSON list: reported below
        }
        throw new IllegalArgumentException("'" + list + "' is not a list");
    }

    /** The value at {@code path} ({@code $.a.b[0]}) of a JSON text, as Argo's {@code jsonpath(json, path)}. */
    public static Object jsonpath(Object json, String path) {
        return com.jayway.jsonpath.JsonPath.read(String.valueOf(json), path);
    }
}

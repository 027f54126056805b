package floe.expr;

import floe.SpecException;

import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.MapContext;
import org.apache.commons.jexl3.introspection.JexlPermissions;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argo's templating: {@code {{name}}} takes a variable's value, {@code {{=expression}}}
 * evaluates an expression (Apache Commons JEXL, with Argo's functions and arithmetic). Strict:
 * a variable nobody defined is an error naming it and what is defined, never an empty string.
 *
 * <pre>{@code
 * Templates.resolve("{{=asInt(workflow.parameters.numbers)/2}}", Map.of("workflow.parameters.numbers", "64"), where)
 * // "32"
 * }</pre>
 */
public final class Templates {
    private static final Pattern TAG = Pattern.compile("\\{\\{\\s*(=?)(.*?)\\s*}}", Pattern.DOTALL);
    private static final JexlEngine JEXL = engine();

    private Templates() {}

    /** Whether {@code text} holds any {@code {{...}}}. */
    public static boolean isTemplate(String text) {
        return text != null && TAG.matcher(text).find();
    }

    /**
     * Replaces every {@code {{...}}} in {@code text} using {@code variables} (dotted names such as
     * {@code inputs.parameters.level}); {@code where} names the spec field for error messages.
     */
    public static String resolve(String text, Map<String, String> variables, String where) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        Matcher m = TAG.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String body = m.group(2);
            String value = m.group(1).isEmpty() ? variable(body, variables, where) : evaluate(body, variables, where);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * An Argo {@code when}: templates are filled in first, then the text is evaluated as a
     * condition in which a bare word stands for itself ({@code heads == heads} is true, as in
     * Argo). Anything but true or false is an error naming {@code where}.
     */
    public static boolean condition(String text, Map<String, String> variables, String where) {
        String resolved = resolve(text, variables, where);
        Object value;
        try {
            value = JEXL.createExpression(resolved).evaluate(new BareWords());
        } catch (JexlException e) {
            throw new SpecException(where + ": cannot evaluate '" + resolved + "': " + describe(e));
        }
        if (!(value instanceof Boolean b)) {
            throw new SpecException(where + ": '" + resolved + "' is " + format(value) + ", not true or false");
        }
        return b;
    }

    /**
     * An expression (the body of a {@code {{=...}}}) that must be true or false, e.g. Argo's
     * {@code retryStrategy.expression}; errors name {@code where}.
     */
    public static boolean test(String expression, Map<String, String> variables, String where) {
        String value = evaluate(expression, variables, where);
        if (!value.equals("true") && !value.equals("false")) {
            throw new SpecException(where + ": '" + expression + "' is " + value + ", not true or false");
        }
        return value.equals("true");
    }

    /**
     * An expression over {@code values} (nested maps, lists, numbers and texts, as Argo hands an
     * {@code http} template's {@code response}), that must be true or false; errors name {@code where}.
     */
    public static boolean holds(String expression, Map<String, Object> values, String where) {
        Object value = value(expression, values, where);
        if (!(value instanceof Boolean b)) {
            throw new SpecException(where + ": '" + expression + "' is " + format(value) + ", not true or false");
        }
        return b;
    }

    /**
     * The value of an expression over {@code values} (nested maps, lists, numbers and texts);
     * errors name {@code where}.
     */
    public static Object value(String expression, Map<String, Object> values, String where) {
        try {
            return JEXL.createExpression(ExprDialect.toJexl(expression)).evaluate(new MapContext(new HashMap<>(values)));
        } catch (JexlException e) {
            throw new SpecException(where + ": cannot evaluate '" + expression + "': " + describe(e));
        } catch (RuntimeException e) {
            throw new SpecException(where + ": cannot evaluate '" + expression + "': " + e.getMessage());
        }
    }

    /** Checks that {@code expression} can be read (without evaluating it); errors name {@code where}. */
    public static void parse(String expression, String where) {
        try {
            JEXL.createExpression(ExprDialect.toJexl(expression));
        } catch (JexlException e) {
            throw new SpecException(where + ": cannot read '" + expression + "': " + describe(e));
        }
    }

    /** A context in which every name is defined as itself. */
    private static final class BareWords extends MapContext {
        @Override
        public boolean has(String name) {
            return true;
        }

        @Override
        public Object get(String name) {
            return name.equals("sprig") ? SprigFunctions.INSTANCE : name;
        }
    }

    private static String variable(String name, Map<String, String> variables, String where) {
        String value = variables.get(name);
        if (value == null) {
            throw new SpecException(where + ": {{" + name + "}} is not defined here (defined: " + known(variables) + ")");
        }
        return value;
    }

    /** The defined names, with a family of one-character names ({@code workflow.creationTimestamp.Y}) shown once. */
    private static String known(Map<String, String> variables) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String key : variables.keySet()) {
            int dot = key.lastIndexOf('.');
            boolean oneChar = dot > 0 && key.length() - dot == 2 && variables.containsKey(key.substring(0, dot));
            names.add(oneChar ? key.substring(0, dot) + ".<char>" : key);
        }
        return String.join(", ", names);
    }

    private static String evaluate(String expression, Map<String, String> variables, String where) {
        try {
            Map<String, Object> context = nest(variables);
            context.put("sprig", SprigFunctions.INSTANCE);
            return format(JEXL.createExpression(ExprDialect.toJexl(expression)).evaluate(new MapContext(context)));
        } catch (JexlException e) {
            throw new SpecException(where + ": cannot evaluate {{=" + expression + "}}: " + describe(e));
        } catch (RuntimeException e) {
            throw new SpecException(where + ": cannot evaluate {{=" + expression + "}}: " + e.getMessage());
        }
    }

    /** A value as Argo prints it: integral numbers without a fraction, lists and maps as JSON, others as they are. */
    public static String format(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        if (value instanceof java.util.Collection<?> || value instanceof Map<?, ?> || (value != null && value.getClass().isArray())) {
            try {
                return ArgoFunctions.toJson(value); // a list or a map as Argo gives it: JSON
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }

    /** {@code a.b.c -> v} as nested maps, so that expressions can navigate {@code a.b.c}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> nest(Map<String, String> variables) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
            String[] parts = e.getKey().split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map)) {
                    break; // a value and a prefix of other names at once: keep the value
                }
                node = (Map<String, Object>) child;
            }
            node.putIfAbsent(parts[parts.length - 1], e.getValue());
        }
        return root;
    }

    private static String describe(JexlException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.replaceAll("^.*?@\\d+:\\d+ ", "");
    }

    private static JexlEngine engine() {
        Map<String, Object> functions = new HashMap<>();
        functions.put(null, ArgoFunctions.class);
        return new JexlBuilder()
                .cache(512) // the same expressions come back for every task of a stage: parse them once
                .namespaces(functions)
                .arithmetic(new ArgoArithmetic())
                .permissions(JexlPermissions.RESTRICTED.compose("floe.expr.*"))
                .strict(true)
                .silent(false)
                .safe(false)
                .create();
    }
}

package floe.argo;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A resource template's {@code successCondition} or {@code failureCondition}: Kubernetes' label
 * selector syntax (Argo parses it with {@code labels.Parse}) read over the object's JSON, each key a
 * dotted path into it ({@code status.succeeded > 0, status.phase in (Failed, Error)}). Requirements
 * are separated by commas and must all hold: {@code KEY}, {@code !KEY}, {@code KEY = V},
 * {@code KEY == V}, {@code KEY != V}, {@code KEY in (V, ...)}, {@code KEY notin (V, ...)},
 * {@code KEY > N}, {@code KEY < N}. Keys and values are checked as Kubernetes checks a label's
 * (a qualified name; at most 63 characters of letters, digits, {@code -_.}), and {@code >} and
 * {@code <} take a whole number, so a condition Argo refuses is refused here too.
 *
 * <pre>{@code
 * ResourceCondition.parse("status.succeeded > 2", "spec.templates[0].resource.successCondition").matches(job);
 * }</pre>
 */
final class ResourceCondition implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    enum Operator { EXISTS, DOES_NOT_EXIST, EQUALS, NOT_EQUALS, IN, NOT_IN, GREATER_THAN, LESS_THAN }

    /** One requirement: a key (a path into the object), how it is compared, and the values. */
    record Requirement(String key, Operator operator, List<String> values) implements Serializable {
        boolean matches(JsonNode object) {
            JsonNode found = lookup(object, key);
            return switch (operator) {
                case EXISTS -> found != null;
                case DOES_NOT_EXIST -> found == null;
                case EQUALS, IN -> found != null && values.contains(text(found));
                case NOT_EQUALS, NOT_IN -> found == null || !values.contains(text(found));
                case GREATER_THAN, LESS_THAN -> {
                    if (found == null) {
                        yield false;
                    }
                    long have;
                    try {
                        have = Long.parseLong(text(found));
                    } catch (NumberFormatException e) {
                        yield false; // as Kubernetes: a value that is no whole number matches neither
                    }
                    long want = Long.parseLong(values.get(0));
                    yield operator == Operator.GREATER_THAN ? have > want : have < want;
                }
            };
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
                case EQUALS -> key + "=" + values.get(0);
                case NOT_EQUALS -> key + "!=" + values.get(0);
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
                case GREATER_THAN -> key + ">" + values.get(0);
                case LESS_THAN -> key + "<" + values.get(0);
            };
        }
    }

    private final String text;
    private final List<Requirement> requirements;

    private ResourceCondition(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    List<Requirement> requirements() {
        return requirements;
    }

    /** Whether every requirement holds over {@code object}. */
    boolean matches(JsonNode object) {
        return requirements.stream().allMatch(r -> r.matches(object));
    }

    /** The first requirement that holds over {@code object}, or null (a failure condition fails on any one, as in Argo). */
    Requirement anyMatch(JsonNode object) {
        return requirements.stream().filter(r -> r.matches(object)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * The value at a dotted path, as Argo reads it (gjson): each part an object's key or, on an
     * array, an index; null when there is none.
     */
    static JsonNode lookup(JsonNode object, String path) {
        JsonNode at = object;
        for (String part : path.split("\\.", -1)) {
            if (at == null) {
                return null;
            }
            if (at.isArray()) {
                at = part.matches("[0-9]+") ? at.get(Integer.parseInt(part)) : null;
            } else if (at.isObject()) {
                at = at.get(part);
            } else {
                return null;
            }
        }
        return at;
    }

    /** A JSON value as Argo compares it: a string as it is, null as empty, anything else as its JSON text. */
    static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNull()) {
            return "";
        }
        return value.toString();
    }

    /** Parses {@code text} (at spec path {@code where}); an error names the path, the text and what is wrong. */
    static ResourceCondition parse(String text, String where) {
        try {
            return new ResourceCondition(text, new Parser(text).requirements());
        } catch (IllegalArgumentException e) {
            throw new ArgoConverter.ArgoError(where, "'" + text + "' is not a condition Argo reads (a label selector over the"
                    + " object's fields, e.g. status.succeeded > 0, status.phase in (Failed, Error)): " + e.getMessage());
        }
    }

    /** Kubernetes' label selector grammar, token by token. */
    private static final class Parser {
        private static final String SPECIAL = "=!(),><";
        private final List<String> tokens = new ArrayList<>();
        private int at;

        Parser(String text) {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    i++;
                } else if (SPECIAL.indexOf(c) >= 0) {
                    String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
                    if (two.equals("==") || two.equals("!=")) {
                        tokens.add(two);
                        i += 2;
                    } else {
                        tokens.add(String.valueOf(c));
                        i++;
                    }
                } else {
                    int start = i;
                    while (i < text.length() && SPECIAL.indexOf(text.charAt(i)) < 0 && " \t\r\n".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    tokens.add("\0" + text.substring(start, i)); // an identifier, marked apart from the operators
                }
            }
        }

        private String peek() {
            return at < tokens.size() ? tokens.get(at) : null;
        }

        private String next() {
            return at < tokens.size() ? tokens.get(at++) : null;
        }

        private static boolean identifier(String token) {
            return token != null && token.startsWith("\0");
        }

        private static String shown(String token) {
            return token == null ? "the end" : "'" + (identifier(token) ? token.substring(1) : token) + "'";
        }

        List<Requirement> requirements() {
            List<Requirement> out = new ArrayList<>();
            if (peek() == null) {
                throw new IllegalArgumentException("it is empty");
            }
            while (true) {
                out.add(requirement());
                String t = next();
                if (t == null) {
                    return out;
                }
                if (!t.equals(",")) {
                    throw new IllegalArgumentException("found " + shown(t) + ", expected ',' or the end");
                }
                if (!identifier(peek()) && !"!".equals(peek())) {
                    throw new IllegalArgumentException("found " + shown(peek()) + " after ',', expected a key");
                }
            }
        }

        private Requirement requirement() {
            boolean absent = "!".equals(peek());
            if (absent) {
                next();
            }
            String t = next();
            if (!identifier(t)) {
                throw new IllegalArgumentException("found " + shown(t) + ", expected a key");
            }
            String key = t.substring(1);
            checkKey(key);
            if (peek() == null || ",".equals(peek())) {
                return new Requirement(key, absent ? Operator.DOES_NOT_EXIST : Operator.EXISTS, List.of());
            }
            if (absent) {
                throw new IllegalArgumentException("found " + shown(peek()) + " after '!" + key + "', expected ',' or the end");
            }
            String op = next();
            Operator operator = switch (op) {
                case "=", "==" -> Operator.EQUALS;
                case "!=" -> Operator.NOT_EQUALS;
                case ">" -> Operator.GREATER_THAN;
                case "<" -> Operator.LESS_THAN;
                case "\0in" -> Operator.IN;
                case "\0notin" -> Operator.NOT_IN;
                default -> throw new IllegalArgumentException("found " + shown(op) + " after '" + key
                        + "', expected one of =, ==, !=, >, <, in, notin");
            };
            List<String> values = operator == Operator.IN || operator == Operator.NOT_IN ? set() : List.of(exact());
            for (String v : values) {
                if (v.length() > 63 || !VALUE.matcher(v).matches()) {
                    throw new IllegalArgumentException("'" + v + "' is not a value a label may have (at most 63 letters,"
                            + " digits, '-', '_' or '.', beginning and ending with a letter or digit)");
                }
            }
            if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
                try {
                    Long.parseLong(values.get(0));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + key + " " + op + " " + values.get(0) + "': > and < take a whole number");
                }
            }
            return new Requirement(key, operator, values);
        }

        private String exact() {
            String t = peek();
            if (t == null || t.equals(",")) {
                return "";
            }
            next();
            if (!identifier(t)) {
                throw new IllegalArgumentException("found " + shown(t) + ", expected a value");
            }
            return t.substring(1);
        }

        private List<String> set() {
            String open = next();
            if (!"(".equals(open)) {
                throw new IllegalArgumentException("found " + shown(open) + ", expected '('");
            }
            TreeSet<String> values = new TreeSet<>();
            boolean expectValue = true;
            while (true) {
                String t = next();
                if (t == null) {
                    throw new IllegalArgumentException("found the end, expected ')'");
                }
                if (t.equals(")")) {
                    if (expectValue) {
                        values.add("");
                    }
                    return List.copyOf(values);
                }
                if (t.equals(",")) {
                    if (expectValue) {
                        values.add("");
                    }
                    expectValue = true;
                } else if (identifier(t) && expectValue) {
                    values.add(t.substring(1));
                    expectValue = false;
                } else {
                    throw new IllegalArgumentException("found " + shown(t) + ", expected ',' or ')'");
                }
            }
        }

        /** A key as Kubernetes checks a label key: a qualified name, {@code [PREFIX/]NAME}. */
        private static void checkKey(String key) {
            int slash = key.indexOf('/');
            String name = slash < 0 ? key : key.substring(slash + 1);
            String prefix = slash < 0 ? null : key.substring(0, slash);
            boolean ok = !name.isEmpty() && name.length() <= 63 && NAME.matcher(name).matches()
                    && (prefix == null || (!prefix.isEmpty() && prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches()));
            if (!ok) {
                throw new IllegalArgumentException("'" + key + "' is not a key Argo reads (a dotted path of letters, digits,"
                        + " '-', '_' and '.', at most 63 characters, optionally after a DNS prefix and '/')");
            }
        }
    }
}

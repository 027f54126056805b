package floe.expr;

import java.util.regex.Pattern;

/**
 * The parts of Argo's expression language (expr-lang) that JEXL writes differently, rewritten
 * before JEXL reads an expression: a predicate closure {@code {# > 1}} becomes a JEXL lambda
 * {@code function(__it) { __it > 1 }} (for {@code filter}, {@code map}, {@code all}, {@code any},
 * {@code none}, {@code count}); the string operators {@code endsWith}, {@code startsWith} and
 * {@code matches} become JEXL's {@code =$}, {@code =^} and {@code =~}; a map literal's bare keys
 * ({@code {avg: 1}}) are quoted. Everything else is read as JEXL reads it; what JEXL cannot read
 * is reported with the expression.
 */
final class ExprDialect {
    private static final Pattern ENDS = Pattern.compile("\\s+endsWith\\s+");
    private static final Pattern STARTS = Pattern.compile("\\s+startsWith\\s+");
    private static final Pattern MATCHES = Pattern.compile("\\s+matches\\s+");

    private ExprDialect() {}

    static String toJexl(String expression) {
        String text = contains(closures(expression));
        StringBuilder out = new StringBuilder();
        int plain = 0; // the string operators are rewritten outside quoted texts only
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                out.append(operators(text.substring(plain, i)));
                int end = skipString(text, i);
                out.append(text, i, end);
                plain = end;
                i = end - 1;
            }
        }
        return out.append(operators(text.substring(plain))).toString();
    }

    /** An operand of expr's {@code contains}: a name with fields and indexes, or a quoted text. */
    private static final String OPERAND = "(?:[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[[^\\]]*\\])*"
            + "|\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')";
    private static final Pattern CONTAINS = Pattern.compile("(" + OPERAND + ")\\s+contains\\s+(" + OPERAND + ")");

    /** expr's {@code a contains b} (a text holds another) as the function {@code contains(a, b)}, outside quoted texts. */
    private static String contains(String text) {
        java.util.regex.Matcher m = CONTAINS.matcher(text);
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (m.find(from)) {
            if (insideString(text, m.start())) {
                out.append(text, from, m.start() + 1);
                from = m.start() + 1;
                continue;
            }
            out.append(text, from, m.start()).append("contains(").append(m.group(1)).append(", ").append(m.group(2)).append(')');
            from = m.end();
        }
        return out.append(text.substring(from)).toString();
    }

    private static boolean insideString(String text, int at) {
        for (int i = 0; i < at; i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = skipString(text, i);
                if (end > at) {
                    return true;
                }
                i = end - 1;
            }
        }
        return false;
    }

    private static String operators(String text) {
        String out = ENDS.matcher(text).replaceAll(" =\\$ ");
        out = MATCHES.matcher(out).replaceAll(" =~ ");
        return STARTS.matcher(out).replaceAll(" =^ ");
    }

    /** Every {@code { ... # ... }} outside quotes becomes a one-argument lambda. */
    private static String closures(String text) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = skipString(text, i);
                out.append(text, i, end);
                i = end;
                continue;
            }
            if (c == '{') {
                int end = matching(text, i);
                if (end > 0) {
                    String body = text.substring(i + 1, end);
                    if (MAP_ENTRY.matcher(body).lookingAt()) {
                        out.append('{').append(quotedKeys(closures(body))).append('}');
                        i = end + 1;
                        continue;
                    }
                    if (hasHash(body)) {
                        out.append("function(__it) { ").append(replaceHash(closures(body))).append(" }");
                        i = end + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** A map literal's first entry: a key (a name or a quoted text) and a colon. */
    private static final Pattern MAP_ENTRY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*|'[^']*'|\"[^\"]*\")\\s*:(?!:)");
    private static final Pattern BARE_KEY = Pattern.compile("(\\s*)([A-Za-z_][A-Za-z0-9_]*)(\\s*:(?!:))");

    /** A map literal's entries with each bare key quoted: expr's {@code {avg: 1}} is JEXL's {@code {'avg': 1}}. */
    private static String quotedKeys(String body) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        int entry = 0;
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : ',';
            if (c == '\'' || c == '"') {
                i = skipString(body, i) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String part = body.substring(entry, Math.min(i, body.length()));
                out.append(BARE_KEY.matcher(part).lookingAt() ? BARE_KEY.matcher(part).replaceFirst("$1'$2'$3") : part);
                if (i < body.length()) {
                    out.append(',');
                }
                entry = i + 1;
            }
        }
        return out.toString();
    }

    private static int skipString(String text, int start) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, text.length());
    }

    /** The index of the brace closing the one at {@code open}, or -1. */
    private static int matching(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(text, i) - 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean hasHash(String body) {
        return !replaceHash(body).equals(body);
    }

    /** {@code #} outside quotes is the closure's argument. */
    private static String replaceHash(String body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\'' || c == '"') {
                int end = skipString(body, i);
                out.append(body, i, end);
                i = end - 1;
            } else if (c == '#') {
                out.append("__it");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

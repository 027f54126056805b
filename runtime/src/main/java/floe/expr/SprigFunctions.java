package floe.expr;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The common string functions of Sprig, as Argo expressions call them ({@code sprig.trim(x)},
 * {@code sprig.upper(x)}, ...). Sprig takes the subject last where it has several arguments
 * ({@code sprig.replace(old, new, s)}); so do these.
 */
public final class SprigFunctions {
    /** The object expressions see as {@code sprig}. */
    static final SprigFunctions INSTANCE = new SprigFunctions();

    private SprigFunctions() {}

    public String trim(Object s) {
        return String.valueOf(s).strip();
    }

    public String upper(Object s) {
        return String.valueOf(s).toUpperCase(Locale.ROOT);
    }

    public String lower(Object s) {
        return String.valueOf(s).toLowerCase(Locale.ROOT);
    }

    public String trimPrefix(String prefix, Object s) {
        String v = String.valueOf(s);
        return v.startsWith(prefix) ? v.substring(prefix.length()) : v;
    }

    public String trimSuffix(String suffix, Object s) {
        String v = String.valueOf(s);
        return v.endsWith(suffix) ? v.substring(0, v.length() - suffix.length()) : v;
    }

    public String replace(String old, String replacement, Object s) {
        return String.valueOf(s).replace(old, replacement);
    }

    public boolean contains(String part, Object s) {
        return String.valueOf(s).contains(part);
    }

    public boolean hasPrefix(String prefix, Object s) {
        return String.valueOf(s).startsWith(prefix);
    }

    public boolean hasSuffix(String suffix, Object s) {
        return String.valueOf(s).endsWith(suffix);
    }

    public List<String> splitList(String separator, Object s) {
        return Arrays.asList(String.valueOf(s).split(java.util.regex.Pattern.quote(separator), -1));
    }

    public String join(String separator, List<?> items) {
        return String.join(separator, items.stream().map(String::valueOf).toList());
    }

    public String repeat(int count, Object s) {
        return String.valueOf(s).repeat(count);
    }

    public String quote(Object s) {
        return "\"" + s + "\"";
    }

    public String squote(Object s) {
        return "'" + s + "'";
    }

    public String substr(int start, int end, Object s) {
        String v = String.valueOf(s);
        return v.substring(Math.max(0, start), end < 0 ? v.length() : Math.min(end, v.length()));
    }

    public Object atoi(Object s) {
        return Long.parseLong(String.valueOf(s).strip());
    }

    public String toString(Object s) {
        return Templates.format(s);
    }

    @Override
    public String toString() {
        return "sprig";
    }
}

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

    /**
     * Sprig's {@code date(layout, time)}: {@code time} (an RFC 3339 text, Unix seconds, or anything
     * else for now, as Sprig does) in Go's layout notation ({@code 2006-01-02 15:04:05}), in UTC.
     */
    public String date(String layout, Object time) {
        java.time.Instant at;
        if (time instanceof Number n) {
            at = java.time.Instant.ofEpochSecond(n.longValue());
        } else {
            try {
                at = java.time.Instant.parse(String.valueOf(time));
            } catch (java.time.format.DateTimeParseException e) {
                at = java.time.Instant.now();
            }
        }
        return GoLayout.format(layout, at.atZone(java.time.ZoneOffset.UTC));
    }

    /** Sprig's {@code now()}: the current time, as Unix seconds' worth of an instant text. */
    public String now() {
        return java.time.Instant.now().toString();
    }

    @Override
    public String toString() {
        return "sprig";
    }
}

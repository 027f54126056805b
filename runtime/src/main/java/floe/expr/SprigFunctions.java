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

    public String b64enc(Object s) {
        return java.util.Base64.getEncoder().encodeToString(String.valueOf(s).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Sprig's {@code b64dec}: the decoded text; as Sprig, the error's text when it is not Base64. */
    public String b64dec(Object s) {
        try {
            return new String(java.util.Base64.getMimeDecoder().decode(String.valueOf(s).strip()), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    // Sprig's integer arithmetic: every argument is taken as a 64-bit integer (a text is parsed, a
    // fraction cut), as Sprig's toInt64 does.

    public long add(Object... xs) {
        long sum = 0;
        for (Object x : xs) {
            sum += int64(x);
        }
        return sum;
    }

    public long add1(Object x) {
        return int64(x) + 1;
    }

    public long sub(Object a, Object b) {
        return int64(a) - int64(b);
    }

    public long mul(Object... xs) {
        long product = 1;
        for (Object x : xs) {
            product *= int64(x);
        }
        return product;
    }

    public long div(Object a, Object b) {
        return int64(a) / int64(b);
    }

    public long mod(Object a, Object b) {
        return int64(a) % int64(b);
    }

    public long max(Object first, Object... rest) {
        long m = int64(first);
        for (Object x : rest) {
            m = Math.max(m, int64(x));
        }
        return m;
    }

    public long min(Object first, Object... rest) {
        long m = int64(first);
        for (Object x : rest) {
            m = Math.min(m, int64(x));
        }
        return m;
    }

    /** Sprig's {@code int}/{@code int64}: a number or a numeric text as an integer, 0 when it is neither. */
    public long int64(Object x) {
        if (x instanceof Number n) {
            return n.longValue();
        }
        try {
            return (long) Double.parseDouble(String.valueOf(x).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public long toInt(Object x) {
        return int64(x);
    }

    public double float64(Object x) {
        if (x instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(x).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
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

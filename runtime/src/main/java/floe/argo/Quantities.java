package floe.argo;

import floe.SpecException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes quantities ({@code 500m}, {@code 2Gi}) and Go durations ({@code 1m30s}) as Argo writes them. */
final class Quantities {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)([a-zA-Z]*)");

    private Quantities() {}

    /** A Go duration ({@code 90s}, {@code 1m30s}) or a plain number of seconds. */
    static Duration duration(String text, String where) {
        String s = text.trim();
        if (s.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = DURATION_PART.matcher(s);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double value = Double.parseDouble(m.group(1));
            nanos += (long) (value * switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw new SpecException(where + ": '" + text + "' is not a duration (e.g. 30s, 1m30s, 2h)");
        }
        return Duration.ofNanos(nanos);
    }

    /** CPU cores from {@code 2}, {@code 1.5} or {@code 500m}. */
    static double cpu(String text, String where) {
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches() || !(m.group(2).isEmpty() || m.group(2).equals("m"))) {
            throw new SpecException(where + ": '" + text + "' is not a CPU quantity (e.g. 1, 0.5, 500m)");
        }
        double value = Double.parseDouble(m.group(1));
        return m.group(2).equals("m") ? value / 1000 : value;
    }

    /** MiB from {@code 2Gi}, {@code 512Mi}, {@code 1G}, {@code 1048576}. */
    static int memoryMb(String text, String where) {
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches()) {
            throw new SpecException(where + ": '" + text + "' is not a memory quantity (e.g. 512Mi, 2Gi)");
        }
        double bytes = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
            case "" -> 1.0;
            case "Ki" -> 1024.0;
            case "Mi" -> 1024.0 * 1024;
            case "Gi" -> 1024.0 * 1024 * 1024;
            case "Ti" -> 1024.0 * 1024 * 1024 * 1024;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            default -> throw new SpecException(where + ": '" + text + "' has an unknown unit (use Ki, Mi, Gi, Ti, k, M, G, T)");
        };
        return (int) Math.ceil(bytes / (1024 * 1024));
    }
}

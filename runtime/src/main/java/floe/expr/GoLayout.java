package floe.expr;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * Go's time layouts ({@code 2006-01-02T15:04:05Z07:00}), as Sprig's date functions take them: the
 * reference time's parts stand for the same parts of the time being formatted.
 */
final class GoLayout {
    /** Longest first, so that {@code 2006} is not read as {@code 2} and {@code 006}. */
    private static final List<String> TOKENS = List.of("January", "Monday", "Z07:00", "-07:00", "2006", "-0700", "Jan", "Mon",
            "MST", ".000", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5");

    private GoLayout() {}

    static String format(String layout, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            String token = null;
            for (String candidate : TOKENS) {
                if (layout.startsWith(candidate, i)) {
                    token = candidate;
                    break;
                }
            }
            if (token == null) {
                out.append(layout.charAt(i++));
                continue;
            }
            out.append(part(token, t));
            i += token.length();
        }
        return out.toString();
    }

    private static String part(String token, ZonedDateTime t) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (token) {
            case "January" -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case "Jan" -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case "Monday" -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case "Mon" -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case "2006" -> String.format("%04d", t.getYear());
            case "06" -> String.format("%02d", t.getYear() % 100);
            case "01" -> String.format("%02d", t.getMonthValue());
            case "1" -> Integer.toString(t.getMonthValue());
            case "02" -> String.format("%02d", t.getDayOfMonth());
            case "_2" -> String.format("%2d", t.getDayOfMonth());
            case "2" -> Integer.toString(t.getDayOfMonth());
            case "15" -> String.format("%02d", t.getHour());
            case "03" -> String.format("%02d", hour12);
            case "3" -> Integer.toString(hour12);
            case "04" -> String.format("%02d", t.getMinute());
            case "4" -> Integer.toString(t.getMinute());
            case "05" -> String.format("%02d", t.getSecond());
            case "5" -> Integer.toString(t.getSecond());
            case ".000" -> String.format(".%03d", t.getNano() / 1_000_000);
            case "PM" -> t.getHour() < 12 ? "AM" : "PM";
            case "pm" -> t.getHour() < 12 ? "am" : "pm";
            case "MST" -> "UTC";
            case "Z07:00" -> "Z";
            case "-07:00" -> "+00:00";
            case "-0700" -> "+0000";
            default -> token;
        };
    }
}

package floe.argo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Argo's variables of one run: {@code workflow.uid}, {@code workflow.creationTimestamp} (RFC
 * 3339, {@code .RFC3339}, {@code .s} and one variable per strftime character, as
 * {@code workflow.creationTimestamp.Y}), and, while it runs, {@code workflow.duration}: the
 * seconds since the run was created.
 */
final class ArgoVariables {
    static final String CREATED = "workflow.creationTimestamp";
    /** The strftime characters Argo offers as {@code workflow.creationTimestamp.<char>}. */
    private static final String STRFTIME = "aAbBcCdDeFHIjklmMnpsrRStTuUVwWxXyYzZ%";

    private ArgoVariables() {}

    /** The variables a run has from its start: its id and when it was created. */
    static void run(Instant created, String uid, Map<String, String> vars) {
        ZonedDateTime t = created.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
        String rfc3339 = DateTimeFormatter.ISO_INSTANT.format(t);
        vars.put("workflow.uid", uid);
        vars.put(CREATED, rfc3339);
        vars.put(CREATED + ".RFC3339", rfc3339);
        for (char c : STRFTIME.toCharArray()) {
            vars.put(CREATED + "." + c, strftime(c, t));
        }
    }

    /** When the run of {@code vars} was created; null when they do not say. */
    static Instant created(Map<String, String> vars) {
        String created = vars.get(CREATED);
        return created == null ? null : Instant.parse(created);
    }

    /** {@code workflow.duration} at {@code now} of a run created at {@code created} (null: not known, 0): seconds, as Argo prints them. */
    static String duration(Instant created, Instant now) {
        if (created == null) {
            return "0";
        }
        double seconds = (now.toEpochMilli() - created.toEpochMilli()) / 1000.0;
        return Double.toString(Math.max(0, seconds));
    }

    static String strftime(char c, ZonedDateTime t) {
        return switch (c) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case 'c' -> DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT).format(t);
            case 'C' -> String.format("%02d", t.getYear() / 100);
            case 'd' -> String.format("%02d", t.getDayOfMonth());
            case 'D', 'x' -> DateTimeFormatter.ofPattern("MM/dd/yy", Locale.ROOT).format(t);
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'F' -> DateTimeFormatter.ISO_LOCAL_DATE.format(t);
            case 'H' -> String.format("%02d", t.getHour());
            case 'I' -> String.format("%02d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'k' -> String.format("%2d", t.getHour());
            case 'l' -> String.format("%2d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'm' -> String.format("%02d", t.getMonthValue());
            case 'M' -> String.format("%02d", t.getMinute());
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 's' -> Long.toString(t.toEpochSecond());
            case 'r' -> DateTimeFormatter.ofPattern("hh:mm:ss a", Locale.ROOT).format(t);
            case 'R' -> DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).format(t);
            case 'S' -> String.format("%02d", t.getSecond());
            case 't' -> "\t";
            case 'T', 'X' -> DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).format(t);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'U' -> String.format("%02d", (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7);
            case 'V' -> String.format("%02d", t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'W' -> String.format("%02d", (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7);
            case 'y' -> String.format("%02d", t.getYear() % 100);
            case 'Y' -> Integer.toString(t.getYear());
            case 'z' -> "+0000";
            case 'Z' -> "UTC";
            case '%' -> "%";
            default -> throw new IllegalArgumentException("no strftime character " + c);
        };
    }
}

package floe.service.argo;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CronWorkflow's schedule: {@code schedule} or {@code schedules} (five-field cron expressions
 * as Argo's controller reads them, or {@code @hourly}, {@code @daily}, {@code @every 90s} and the
 * like) in {@code timezone} (default: the server's). Parsed with cron-utils.
 */
final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private final List<ExecutionTime> times;
    private final List<Duration> every;
    private final ZoneId zone;

    private CronSchedule(List<ExecutionTime> times, List<Duration> every, ZoneId zone) {
        this.times = times;
        this.every = every;
        this.zone = zone;
    }

    /** The schedule of a CronWorkflow's spec; a bad expression or zone is an error naming its field. */
    static CronSchedule of(JsonNode spec) {
        // Fields the server cannot honour are refused, never dropped: a schedule that ran on where
        // Argo would have stopped or skipped it would surprise.
        for (String field : List.of("when", "stopStrategy")) {
            if (spec.has(field)) {
                throw ArgoException.invalid("spec." + field + ": not supported by Floe's server (Argo evaluates it before each"
                        + " scheduled run); remove it, or run the workflow on Argo");
            }
        }
        List<String> expressions = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        if (spec.hasNonNull("schedule") && !spec.get("schedule").asText().isBlank()) {
            expressions.add(spec.get("schedule").asText());
            fields.add("spec.schedule");
        }
        int i = 0;
        for (JsonNode s : spec.path("schedules")) {
            expressions.add(s.asText());
            fields.add("spec.schedules[" + i++ + "]");
        }
        if (expressions.isEmpty()) {
            throw ArgoException.invalid("spec.schedule: a CronWorkflow needs a schedule or schedules");
        }
        ZoneId zone = ZoneId.systemDefault();
        String tz = spec.path("timezone").asText("");
        if (!tz.isEmpty()) {
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException e) {
                throw ArgoException.invalid("spec.timezone: '" + tz + "' is not a time zone: " + e.getMessage());
            }
        }
        List<ExecutionTime> times = new ArrayList<>();
        List<Duration> every = new ArrayList<>();
        for (int k = 0; k < expressions.size(); k++) {
            String e = expressions.get(k).strip();
            try {
                if (e.startsWith("@every ")) {
                    every.add(Duration.parse("PT" + e.substring(7).strip().toUpperCase(java.util.Locale.ROOT)));
                } else {
                    String expr = DESCRIPTORS.getOrDefault(e, e);
                    if (expr.startsWith("CRON_TZ=") || expr.startsWith("TZ=")) {
                        throw new IllegalArgumentException("give the time zone in spec.timezone");
                    }
                    times.add(ExecutionTime.forCron(PARSER.parse(expr).validate()));
                }
            } catch (IllegalArgumentException | DateTimeException ex) {
                throw ArgoException.invalid(fields.get(k) + ": cron schedule '" + e + "' is malformed: " + ex.getMessage());
            }
        }
        return new CronSchedule(times, every, zone);
    }

    /** The first scheduled time strictly after {@code after}, in the schedule's zone. */
    ZonedDateTime next(java.time.Instant after) {
        ZonedDateTime from = after.atZone(zone);
        ZonedDateTime best = null;
        for (ExecutionTime t : times) {
            Optional<ZonedDateTime> n = t.nextExecution(from);
            if (n.isPresent() && (best == null || n.get().isBefore(best))) {
                best = n.get();
            }
        }
        for (Duration d : every) {
            // As robfig/cron's @every: from the instant it was last looked at, rounded to the second.
            ZonedDateTime n = from.plus(d).withNano(0);
            if (best == null || n.isBefore(best)) {
                best = n;
            }
        }
        return best;
    }
}

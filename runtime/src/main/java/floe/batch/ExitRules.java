package floe.batch;

import floe.SpecException;
import floe.model.RetryCondition;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Batch's {@code retryStrategy.evaluateOnExit}: the first rule whose patterns match a failed attempt
 * decides ({@code RETRY} or {@code EXIT}); when none matches, the attempt is retried. Patterns may
 * end in {@code *}. {@code onExitCode} matches the exit code; {@code onReason} and
 * {@code onStatusReason} match what happened (here: the failure's message).
 */
final class ExitRules implements RetryCondition {
    private static final long serialVersionUID = 1L;

    private record Rule(Pattern exitCode, Pattern reason, Pattern statusReason, boolean retry) implements Serializable {}

    private final List<Rule> rules;

    private ExitRules(List<Rule> rules) {
        this.rules = rules;
    }

    static ExitRules of(List<Map<String, String>> specs, String where) {
        if (specs.size() > 5) {
            throw new SpecException(where + ": at most 5 evaluateOnExit conditions, got " + specs.size());
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Map<String, String> spec = specs.get(i);
            String at = where + "[" + i + "]";
            for (String key : spec.keySet()) {
                if (!List.of("onExitCode", "onReason", "onStatusReason", "action").contains(key)) {
                    throw new SpecException(at + "." + key + ": unknown field (known: action, onExitCode, onReason, onStatusReason)");
                }
            }
            String action = spec.get("action");
            if (action == null || !List.of("RETRY", "EXIT").contains(action.toUpperCase(Locale.ROOT))) {
                throw new SpecException(at + ".action: must be RETRY or EXIT, got " + (action == null ? "nothing" : "'" + action + "'"));
            }
            if (spec.get("onExitCode") == null && spec.get("onReason") == null && spec.get("onStatusReason") == null) {
                throw new SpecException(at + ": give at least one of onExitCode, onReason, onStatusReason");
            }
            rules.add(new Rule(glob(spec.get("onExitCode")), glob(spec.get("onReason")), glob(spec.get("onStatusReason")),
                    action.equalsIgnoreCase("RETRY")));
        }
        return new ExitRules(rules);
    }

    @Override
    public boolean retry(int exitCode, String message, boolean timedOut) {
        for (Rule r : rules) {
            boolean matches = (r.exitCode() == null || (exitCode >= 0 && r.exitCode().matcher(Integer.toString(exitCode)).matches()))
                    && (r.reason() == null || r.reason().matcher(message).matches())
                    && (r.statusReason() == null || r.statusReason().matcher(message).matches());
            if (matches) {
                return r.retry();
            }
        }
        return true;
    }

    private static Pattern glob(String pattern) {
        if (pattern == null) {
            return null;
        }
        return pattern.endsWith("*")
                ? Pattern.compile(Pattern.quote(pattern.substring(0, pattern.length() - 1)) + ".*", Pattern.DOTALL)
                : Pattern.compile(Pattern.quote(pattern));
    }
}

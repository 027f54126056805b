package floe.argo;

import floe.expr.Templates;
import floe.model.Phase;
import floe.model.TaskCompletion;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DAG task's {@code depends} (or {@code dependencies}, read as their {@code &&}): task names with
 * an optional result ({@code .Succeeded}, {@code .Failed}, {@code .Skipped}, {@code .Errored},
 * {@code .AnySucceeded}, {@code .AllFailed}) joined by {@code &&}, {@code ||}, {@code !} and
 * parentheses. A bare name means succeeded or skipped, as in Argo. The task runs when the
 * expression holds over its upstream tasks' phases, and is skipped when it does not.
 */
final class ArgoDepends implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern TOKEN = Pattern.compile("\\s*(&&|\\|\\||!|\\(|\\)|([A-Za-z0-9_-]+)(?:\\.(\\w+))?)");
    /** Results whose test needs the upstream task's failure to be seen rather than stop the workflow. */
    static final Set<String> OBSERVE_FAILURE = Set.of("Failed", "Errored", "AllFailed", "AnySucceeded");
    private static final Set<String> RESULTS = Set.of("Succeeded", "Failed", "Skipped", "Errored", "AnySucceeded", "AllFailed", "Daemoned");

    /** A name and the result it tests (null: succeeded or skipped). */
    record Term(String name, String result) implements Serializable {}

    private final String text;
    private final String where;
    private final List<Object> parts;

    private ArgoDepends(String text, String where, List<Object> parts) {
        this.text = text;
        this.where = where;
        this.parts = parts;
    }

    static ArgoDepends parse(String text, String where) {
        List<Object> parts = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            if (m.group(2) != null) {
                if (m.group(3) != null && !RESULTS.contains(m.group(3))) {
                    throw new ArgoConverter.ArgoError(where, "'" + text + "': ." + m.group(3) + " is not one of " + new java.util.TreeSet<>(RESULTS));
                }
                parts.add(new Term(m.group(2), m.group(3)));
            } else {
                parts.add(m.group(1));
            }
            at = m.end();
        }
        if (!text.substring(at).isBlank() || parts.isEmpty()) {
            throw new ArgoConverter.ArgoError(where, "'" + text + "': cannot read '" + text.substring(at).strip() + "'");
        }
        ArgoDepends depends = new ArgoDepends(text, where, parts);
        depends.evaluate(Map.of()); // a bad expression fails here, at lint
        return depends;
    }

    static ArgoDepends allOf(List<String> names, String where) {
        return parse(String.join(" && ", names), where);
    }

    List<Term> terms() {
        return parts.stream().filter(Term.class::isInstance).map(Term.class::cast).toList();
    }

    /** Whether the expression holds over the phases of the upstream tasks in {@code upstream}. */
    boolean holds(List<TaskCompletion> upstream) {
        Map<String, List<Phase>> phases = new TreeMap<>();
        for (TaskCompletion c : upstream) {
            phases.computeIfAbsent(c.stage(), k -> new ArrayList<>()).add(c.outcome().phase());
        }
        return evaluate(phases);
    }

    /** Whether the expression holds over the phases of the named upstream steps or tasks. */
    boolean holds(Map<String, List<Phase>> phases) {
        return evaluate(phases);
    }

    String text() {
        return text;
    }

    private boolean evaluate(Map<String, List<Phase>> phases) {
        StringBuilder expr = new StringBuilder();
        for (Object part : parts) {
            expr.append(' ').append(part instanceof Term t ? Boolean.toString(test(t, phases.getOrDefault(t.name(), List.of()))) : part);
        }
        return Templates.test(expr.toString().strip(), Map.of(), where);
    }

    private static boolean test(Term t, List<Phase> phases) {
        if (t.result() == null) {
            return phases.stream().allMatch(p -> p == Phase.SUCCEEDED || p == Phase.SKIPPED);
        }
        return switch (t.result()) {
            case "Succeeded" -> phases.stream().allMatch(Phase.SUCCEEDED::equals);
            case "Skipped" -> !phases.isEmpty() && phases.stream().allMatch(Phase.SKIPPED::equals);
            case "Failed", "Errored" -> phases.stream().anyMatch(Phase.FAILED::equals);
            case "AnySucceeded" -> phases.stream().anyMatch(Phase.SUCCEEDED::equals);
            case "AllFailed" -> !phases.isEmpty() && phases.stream().allMatch(Phase.FAILED::equals);
            default -> false;
        };
    }
}

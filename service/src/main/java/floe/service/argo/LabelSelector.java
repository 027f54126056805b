package floe.service.argo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Kubernetes label selector as {@code listOptions.labelSelector} carries it: requirements
 * joined by commas, each {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}, {@code k
 * notin (a,b)}, {@code k} (has it) or {@code !k} (has it not).
 */
final class LabelSelector {
    private final List<Predicate<Map<String, String>>> requirements;

    private LabelSelector(List<Predicate<Map<String, String>>> requirements) {
        this.requirements = requirements;
    }

    static LabelSelector parse(String text) {
        List<Predicate<Map<String, String>>> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new LabelSelector(out);
        }
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        for (String raw : parts) {
            String r = raw.strip();
            java.util.regex.Matcher set = java.util.regex.Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\(([^)]*)\\)").matcher(r);
            if (set.matches()) {
                String key = set.group(1);
                Set<String> values = new java.util.HashSet<>();
                for (String v : set.group(3).split(",")) {
                    values.add(v.strip());
                }
                boolean in = set.group(2).equals("in");
                out.add(l -> in == (l.containsKey(key) && values.contains(l.get(key))));
            } else if (r.contains("!=")) {
                String key = r.substring(0, r.indexOf("!=")).strip();
                String value = r.substring(r.indexOf("!=") + 2).strip();
                out.add(l -> !value.equals(l.get(key)));
            } else if (r.contains("=")) {
                String key = r.substring(0, r.indexOf('=')).strip();
                String value = r.substring(r.lastIndexOf('=') + 1).strip();
                out.add(l -> value.equals(l.get(key)));
            } else if (r.startsWith("!")) {
                String key = r.substring(1).strip();
                out.add(l -> !l.containsKey(key));
            } else if (r.matches("[A-Za-z0-9./_-]+")) {
                out.add(l -> l.containsKey(r));
            } else {
                throw ArgoException.invalid("listOptions.labelSelector: unable to parse requirement: '" + r + "'");
            }
        }
        return new LabelSelector(out);
    }

    boolean test(Map<String, String> labels) {
        return requirements.stream().allMatch(p -> p.test(labels));
    }
}

package floe.argo;

import floe.SpecException;
import floe.expr.Templates;
import floe.model.Phase;
import floe.model.TaskCompletion;
import floe.model.TaskOutcome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What one task of a leaf stage sees, worked out along its chain of calls from the entrypoint
 * down: at each level the step's loop item, the outputs of its sibling steps or tasks in the same
 * instance of the enclosing template, its {@code depends} and {@code when}, and the inputs its
 * arguments give the template it calls. A nested template's outputs (its status, and its
 * {@code outputs.parameters} from {@code valueFrom.parameter} or {@code expression}) are worked out
 * from the completions of the stages under it.
 */
final class ArgoScope {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The upstream completions a task was given, by stage and index. */
    static final class Done {
        private final Map<String, Map<Integer, TaskCompletion>> byStage = new HashMap<>();

        Done(List<TaskCompletion> completions) {
            for (TaskCompletion c : completions) {
                byStage.computeIfAbsent(c.stage(), k -> new TreeMap<>()).put(c.index(), c);
            }
        }

        /** The completions of {@code stage} with index in {@code [from, to)}, in index order; all of them when {@code to < 0}. */
        List<TaskCompletion> range(String stage, int from, int to) {
            Map<Integer, TaskCompletion> all = byStage.getOrDefault(stage, Map.of());
            List<TaskCompletion> out = new ArrayList<>();
            for (Map.Entry<Integer, TaskCompletion> e : all.entrySet()) {
                if (to < 0 || (e.getKey() >= from && e.getKey() < to)) {
                    out.add(e.getValue());
                }
            }
            return out;
        }
    }

    /** Where a task's chain ended: its variables, or the reason it is skipped. */
    record Outcome(Map<String, String> vars, String skipped) {}

    private final List<CallTree.Call> chain;
    private final Map<String, String> base;
    private final ArtifactRepository repo;

    /**
     * @param chain the calls from the entrypoint (first, with no step) to the leaf
     * @param base the workflow's variables and the entrypoint's inputs, as the entrypoint sees them
     */
    ArgoScope(List<CallTree.Call> chain, Map<String, String> base) {
        this(chain, base, ArtifactRepository.none());
    }

    /** As above; {@code repo} names the bucket of {@code oss} artifacts passed without one. */
    ArgoScope(List<CallTree.Call> chain, Map<String, String> base, ArtifactRepository repo) {
        this.chain = chain;
        this.base = base;
        this.repo = repo;
    }

    /** The loop position of task {@code index} at each level of the chain (level 0, the entrypoint, is 0). */
    int[] digits(int index) {
        int[] digits = new int[chain.size()];
        for (int j = chain.size() - 1; j >= 1; j--) {
            int w = chain.get(j).width;
            if (w < 0) {
                digits[j] = index;
                index = 0;
            } else {
                digits[j] = index % w;
                index /= w;
            }
        }
        return digits;
    }

    /**
     * Walks the chain for task {@code index}: the leaf template's variables, or why the task is
     * skipped. {@code checking}: no real outputs yet (lint), a {@code withParam} item stands for 0.
     */
    Outcome walk(int index, Done done, Map<String, String> extra, boolean checking) {
        int[] digits = digits(index);
        Map<String, String> vars = new LinkedHashMap<>(base);
        vars.putAll(extra);
        int instance = 0;
        for (int j = 1; j < chain.size(); j++) {
            CallTree.Call call = chain.get(j);
            CallTree.Body body = chain.get(j - 1).body;
            Map<String, String> stepVars = stepVariables(call, body, instance, digits[j], vars, extra, done, checking);
            String skip = condition(call, body, instance, stepVars, done, extra);
            if (skip != null) {
                return new Outcome(null, skip);
            }
            Map<String, String> inner = new LinkedHashMap<>(base);
            inner.putAll(extra);
            inputs(call, stepVars).forEach((k, v) -> inner.put("inputs.parameters." + k, v));
            artifactInputs(call, stepVars, repo).forEach((k, v) -> inner.put("inputs.artifacts." + k, v));
            if (body != null && call.step != null && !call.name.contains(".hooks.")) {
                // Argo's steps.name / tasks.name: inside a template, the name of the step or task that called it.
                inner.put(body.template.steps() != null ? "steps.name" : "tasks.name", call.name);
            }
            vars = inner;
            instance = call.width < 0 ? digits[j] : instance * call.width + digits[j];
        }
        return new Outcome(vars, null);
    }

    /** The items of the leaf's {@code withParam} loop, as its first task sees them. */
    List<Object> dynamicItems(Done done, Map<String, String> extra) {
        CallTree.Call leaf = chain.get(chain.size() - 1);
        // What the leaf's step sees: the variables inside the template that holds it (one run of it:
        // a loop from outputs is sized at run time only where no loop encloses it).
        Outcome enclosing = new ArgoScope(chain.subList(0, chain.size() - 1), base, repo).walk(0, done, extra, false);
        if (enclosing.skipped() != null) {
            return List.of();
        }
        Map<String, String> vars = enclosing.vars();
        Map<String, String> stepVars = new LinkedHashMap<>(vars);
        stepVars.putAll(siblings(chain.get(chain.size() - 2).body, 0, vars, extra, done, leaf));
        return paramItems(leaf, stepVars);
    }

    /** Why {@code call} does not run in this instance ({@code depends} or {@code when} false), or null. */
    private String condition(CallTree.Call call, CallTree.Body body, int instance, Map<String, String> stepVars, Done done,
            Map<String, String> extra) {
        if (call.depends != null && !call.depends.holds(phases(body, instance, done))) {
            return call.stepPath + ": depends '" + call.depends.text() + "' is false";
        }
        if (call.step != null && call.step.when() != null
                && !Templates.condition(call.step.when(), stepVars, call.stepPath + ".when")) {
            return call.stepPath + ": when '" + call.step.when() + "' is false";
        }
        return null;
    }

    /** What a step's arguments and {@code when} see: the caller's variables, sibling outputs, the loop item. */
    private Map<String, String> stepVariables(CallTree.Call call, CallTree.Body body, int instance, int digit,
            Map<String, String> caller, Map<String, String> extra, Done done, boolean checking) {
        Map<String, String> stepVars = new LinkedHashMap<>(caller);
        if (body != null) {
            stepVars.putAll(siblings(body, instance, caller, extra, done, call));
        }
        item(call, digit, stepVars, checking);
        return stepVars;
    }

    private void item(CallTree.Call call, int digit, Map<String, String> stepVars, boolean checking) {
        if (call.step == null) {
            return;
        }
        if ((call.step.withParam() != null || TemplateSettings.lateSequence(call.step)) && call.items == null) {
            if (checking) {
                // No outputs to read yet: every item and item.FIELD the step names stands for 0.
                stepVars.put("item", "0");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{\\s*item\\.([\\w-]+)").matcher(String.valueOf(call.step));
                while (m.find()) {
                    stepVars.put("item." + m.group(1), "0");
                }
                return;
            }
            List<Object> items = paramItems(call, stepVars);
            putItem(items.get(digit), stepVars);
        } else if (call.items != null) {
            putItem(call.items.get(digit), stepVars);
        }
    }

    static void putItem(Object item, Map<String, String> vars) {
        if (item instanceof Map<?, ?> map) {
            map.forEach((k, v) -> vars.put("item." + k, v instanceof Map || v instanceof List ? json(v) : Templates.format(v)));
            vars.put("item", json(item));
        } else if (item instanceof List<?> list) {
            vars.put("item", json(list));
        } else {
            vars.put("item", Templates.format(item));
        }
    }

    /** The JSON list {@code withParam} names, each element an item (an object's fields are {@code item.KEY}). */
    static List<Object> paramItems(CallTree.Call call, Map<String, String> vars) {
        if (call.step.withParam() == null) {
            return TemplateSettings.items(call.step, call.stepPath, vars); // a withSequence sized by outputs
        }
        String where = call.stepPath + ".withParam";
        String json = Templates.resolve(call.step.withParam(), vars, where);
        return parseItems(json, where);
    }

    static List<Object> parseItems(String json, String where) {
        try {
            Object parsed = JSON.readValue(json, Object.class);
            if (parsed instanceof List<?> list) {
                return new ArrayList<>(list);
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new SpecException(where + ": '" + (json.length() > 200 ? json.substring(0, 200) + "..." : json)
                + "' is not a JSON list");
    }

    /** The phases of the calls of {@code body} in one of its instances, by name, for {@code depends}. */
    private Map<String, List<Phase>> phases(CallTree.Body body, int instance, Done done) {
        Map<String, List<Phase>> phases = new TreeMap<>();
        for (CallTree.Call c : body.calls) {
            List<Phase> p = new ArrayList<>();
            for (int k = 0; k < width(c, done); k++) {
                Phase phase = phase(c, instance, k, done);
                if (phase != null) {
                    p.add(phase);
                }
            }
            if (!p.isEmpty()) {
                phases.put(c.name, p);
            }
        }
        return phases;
    }

    private static int width(CallTree.Call c, Done done) {
        return c.width >= 0 ? c.width : done.range(c.stage, 0, -1).size();
    }

    /** The phase of iteration {@code k} of {@code c} in instance {@code instance} of its body; null if not known here. */
    private static Phase phase(CallTree.Call c, int instance, int k, Done done) {
        int q = c.width < 0 ? k : instance * c.width + k;
        boolean any = false;
        boolean allSkipped = true;
        for (CallTree.Leaf leaf : c.leaves()) {
            for (TaskCompletion t : done.range(leaf.stage(), q * leaf.span(), (q + 1) * leaf.span())) {
                any = true;
                Phase phase = t.outcome().phase();
                if (phase == Phase.FAILED) {
                    return Phase.FAILED;
                }
                allSkipped &= phase == Phase.SKIPPED;
            }
        }
        return !any ? null : allSkipped ? Phase.SKIPPED : Phase.SUCCEEDED;
    }

    /**
     * The outputs of the calls of {@code body} in one of its instances that this task was given,
     * as {@code steps.NAME.*} and {@code tasks.NAME.*}; the calls up to {@code upTo} (exclusive).
     */
    private Map<String, String> siblings(CallTree.Body body, int instance, Map<String, String> caller, Map<String, String> extra,
            Done done, CallTree.Call upTo) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (CallTree.Call c : body.calls) {
            if (c == upTo) {
                break;
            }
            Map<String, String> values = c.leaf() ? leafOutputs(c, instance, done) : nestedOutputs(c, body, instance, caller, extra, done, vars);
            for (String scope : List.of("steps.", "tasks.")) {
                values.forEach((field, value) -> vars.put(scope + c.name + "." + field, value));
            }
        }
        return vars;
    }

    private static boolean looped(CallTree.Call c) {
        return c.step != null && (c.items != null || c.step.withParam() != null || TemplateSettings.lateSequence(c.step));
    }

    private static Map<String, String> leafOutputs(CallTree.Call c, int instance, Done done) {
        List<TaskCompletion> tasks = c.width < 0 ? done.range(c.stage, 0, -1)
                : done.range(c.stage, instance * c.width, (instance + 1) * c.width);
        Map<String, String> values = new LinkedHashMap<>();
        if (tasks.isEmpty()) {
            return values;
        }
        // Argo's variable of each output (the result and exit code absent when a task has none)
        Map<String, Function<TaskOutcome, String>> fields = new LinkedHashMap<>();
        fields.put("outputs.result", o -> o.result().orElse(null));
        fields.put("exitCode", o -> o.exitCode().isPresent() ? Integer.toString(o.exitCode().getAsInt()) : null);
        fields.put("status", o -> o.phase().argoName());
        fields.put("ip", o -> o.ip().orElse(null)); // a daemon's address
        tasks.get(0).outcome().parameters().keySet()
                .forEach(name -> fields.put("outputs.parameters." + name, o -> o.parameter(name).orElse(null)));
        tasks.get(0).outcome().artifacts().keySet()
                .forEach(name -> fields.put("outputs.artifacts." + name, o -> o.artifact(name).orElse(null)));
        boolean looped = looped(c);
        for (Map.Entry<String, Function<TaskOutcome, String>> field : fields.entrySet()) {
            if (looped) {
                List<Object> list = new ArrayList<>();
                for (TaskCompletion t : tasks) {
                    String v = field.getValue().apply(t.outcome());
                    if (v != null) {
                        list.add(field.getKey().equals("outputs.result") ? parsed(v) : v);
                    }
                }
                values.put(field.getKey(), json(list));
            } else {
                String v = field.getValue().apply(tasks.get(0).outcome());
                if (v != null) {
                    values.put(field.getKey(), v);
                }
            }
        }
        if (looped) {
            // Argo's aggregate: every task's output parameters as one object each.
            List<Map<String, String>> params = new ArrayList<>();
            for (TaskCompletion t : tasks) {
                Map<String, String> p = t.outcome().parameters();
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
            if (!params.isEmpty()) {
                values.put("outputs.parameters", json(params));
            }
        }
        return values;
    }

    /** A nested call's status and its template's output parameters, per iteration (a JSON list when it loops). */
    private Map<String, String> nestedOutputs(CallTree.Call c, CallTree.Body body, int instance, Map<String, String> caller,
            Map<String, String> extra, Done done, Map<String, String> earlier) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> statuses = new ArrayList<>();
        Map<String, List<String>> params = new LinkedHashMap<>();
        List<ArgoSpec.Parameter> declared = c.template.outputs() == null || c.template.outputs().parameters() == null
                ? List.of() : c.template.outputs().parameters();
        boolean hasArtifacts = c.template.outputs() != null && c.template.outputs().artifacts() != null;
        Map<String, String> arts = new LinkedHashMap<>();
        int w = Math.max(1, c.width);
        for (int k = 0; k < w; k++) {
            Phase phase = phase(c, instance, k, done);
            if (phase == null) {
                return values; // not an upstream of this task
            }
            statuses.add(phase.argoName());
            if (declared.isEmpty() && !hasArtifacts) {
                continue;
            }
            Map<String, String> stepVars = new LinkedHashMap<>(caller);
            stepVars.putAll(earlier);
            item(c, k, stepVars, false);
            Map<String, String> inner = new LinkedHashMap<>(base);
            inner.putAll(extra);
            boolean skipped = phase == Phase.SKIPPED;
            if (!skipped) {
                inputs(c, stepVars).forEach((n, v) -> inner.put("inputs.parameters." + n, v));
                artifactInputs(c, stepVars, repo).forEach((n, v) -> inner.put("inputs.artifacts." + n, v));
                inner.putAll(siblings(c.body, c.width < 0 ? k : instance * c.width + k, inner, extra, done, null));
                nestedArtifacts(c, inner, arts);
            }
            for (int i = 0; i < declared.size(); i++) {
                ArgoSpec.Parameter p = declared.get(i);
                params.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(outputValue(p, inner, skipped,
                        c.templatePath + ".outputs.parameters[" + i + "]"));
            }
        }
        boolean looped = looped(c);
        values.put("status", looped ? json(statuses) : statuses.get(0));
        params.forEach((name, list) -> values.put("outputs.parameters." + name, looped ? json(list) : list.get(0)));
        if (!looped) {
            arts.forEach((name, location) -> values.put("outputs.artifacts." + name, location));
        }
        return values;
    }

    /** A steps or dag template's output artifacts: each the artifact its {@code from} names, when there is one. */
    private static void nestedArtifacts(CallTree.Call c, Map<String, String> inner, Map<String, String> out) {
        List<ArgoSpec.Artifact> declared = c.template.outputs().artifacts() == null ? List.of() : c.template.outputs().artifacts();
        for (int i = 0; i < declared.size(); i++) {
            ArgoSpec.Artifact a = declared.get(i);
            String where = c.templatePath + ".outputs.artifacts[" + i + "].from";
            try {
                out.put(a.name(), Templates.resolve(source(a), inner, a.from() != null ? where : where + "Expression"));
            } catch (SpecException e) {
                if (!Boolean.TRUE.equals(a.optional())) {
                    throw e;
                }
            }
        }
    }

    /**
     * The artifacts {@code call}'s arguments give the template it calls, by input name, as
     * {@link ArtifactLocation} texts: {@code from} an earlier step's output or the caller's input,
     * or a location given there. An optional one whose source is not there is left out.
     */
    static Map<String, String> artifactInputs(CallTree.Call call, Map<String, String> stepVars, ArtifactRepository repo) {
        Map<String, String> given = new LinkedHashMap<>();
        List<ArgoSpec.Artifact> args = call.step == null || call.step.arguments() == null || call.step.arguments().artifacts() == null
                ? List.of() : call.step.arguments().artifacts();
        for (int i = 0; i < args.size(); i++) {
            ArgoSpec.Artifact a = args.get(i);
            String where = call.stepPath + ".arguments.artifacts[" + i + "]";
            try {
                if (a.from() != null || a.fromExpression() != null) {
                    String text = Templates.resolve(source(a), stepVars, where + (a.from() != null ? ".from" : ".fromExpression"));
                    if (a.subPath() != null) {
                        text = ArtifactLocation.parse(text).part(Templates.resolve(a.subPath(), stepVars, where + ".subPath"),
                                where + ".subPath").text();
                    }
                    given.put(a.name(), text);
                } else {
                    ArtifactLocation location = ArtifactLocation.of(a, where, stepVars, repo);
                    if (location == null) {
                        throw new SpecException(where + ": artifact '" + a.name() + "' gives no source: give from, or oss,"
                                + " http, git or raw");
                    }
                    given.put(a.name(), location.text());
                }
            } catch (SpecException e) {
                if (!optional(call.template, a.name()) && !Boolean.TRUE.equals(a.optional()) && !namesSkipped(String.valueOf(a.from() != null ? a.from() : a.fromExpression()), stepVars)) {
                    throw e;
                }
            }
        }
        // A steps or dag template's own input artifacts stand when its caller passes none (a leaf's are its command's to resolve).
        if (!call.leaf() && call.template.inputs() != null && call.template.inputs().artifacts() != null) {
            List<ArgoSpec.Artifact> declared = call.template.inputs().artifacts();
            for (int i = 0; i < declared.size(); i++) {
                ArtifactLocation own = given.containsKey(declared.get(i).name()) ? null
                        : ArtifactLocation.of(declared.get(i), call.templatePath + ".inputs.artifacts[" + i + "]", stepVars, repo);
                if (own != null) {
                    given.put(declared.get(i).name(), own.text());
                }
            }
        }
        return given;
    }

    /** What an artifact passed on is taken from: its {@code from}, or its {@code fromExpression} as an expression. */
    private static String source(ArgoSpec.Artifact a) {
        return a.from() != null ? a.from() : "{{=" + a.fromExpression() + "}}";
    }

    private static boolean optional(ArgoSpec.Template t, String input) {
        return t != null && t.inputs() != null && t.inputs().artifacts() != null
                && t.inputs().artifacts().stream().anyMatch(x -> x.name().equals(input) && Boolean.TRUE.equals(x.optional()));
    }

    /** One output parameter of a steps or dag template: its {@code valueFrom.parameter} or {@code expression}, else its default. */
    static String outputValue(ArgoSpec.Parameter p, Map<String, String> vars, boolean skipped, String where) {
        Map<String, Object> from = p.valueFrom() == null ? Map.of() : p.valueFrom();
        Object fallback = from.get("default");
        if (!skipped) {
            try {
                if (from.get("parameter") != null) {
                    return Templates.resolve(String.valueOf(from.get("parameter")), vars, where + ".valueFrom.parameter");
                }
                if (from.get("expression") != null) {
                    return Templates.resolve("{{=" + from.get("expression") + "}}", vars, where + ".valueFrom.expression");
                }
                if (p.value() != null) {
                    return Templates.resolve(p.value(), vars, where + ".value");
                }
            } catch (SpecException e) {
                if (fallback == null) {
                    throw e;
                }
            }
        }
        if (fallback == null) {
            throw new SpecException(where + ": output parameter '" + p.name() + "' has no value"
                    + (skipped ? " (the template was skipped; give valueFrom.default)" : ""));
        }
        return String.valueOf(fallback);
    }

    /** The inputs {@code call}'s arguments give the template it calls, with its declared defaults. */
    static Map<String, String> inputs(CallTree.Call call, Map<String, String> stepVars) {
        Map<String, String> given = new LinkedHashMap<>();
        if (call.step != null && call.step.arguments() != null && call.step.arguments().parameters() != null) {
            List<ArgoSpec.Parameter> args = call.step.arguments().parameters();
            for (int i = 0; i < args.size(); i++) {
                ArgoSpec.Parameter p = args.get(i);
                String where = call.stepPath + ".arguments.parameters[" + i + "]";
                String value = p.value() != null ? p.value() : p.valueFrom() != null ? null : p.defaultValue();
                if (p.valueFrom() != null && p.valueFrom().get("expression") != null) {
                    value = "{{=" + p.valueFrom().get("expression") + "}}";
                }
                if (value == null) {
                    throw new SpecException(where + ": argument '" + p.name() + "' has no value");
                }
                try {
                    given.put(p.name(), Templates.resolve(value, stepVars, where + ".value"));
                } catch (SpecException e) {
                    if (!namesSkipped(value, stepVars)) {
                        throw e;
                    }
                    // An output a skipped step never wrote: as in Argo, the input's own default applies.
                }
            }
        }
        return bind(call.template, call.templatePath, given, stepVars, call.stepPath + ".arguments");
    }

    /** Whether {@code text} names the outputs of a step or task that was skipped. */
    private static boolean namesSkipped(String text, Map<String, String> stepVars) {
        java.util.regex.Matcher m = Expansion.OUTPUT_REF.matcher(text);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String skipped = Phase.SKIPPED.argoName();
            if (skipped.equals(stepVars.get("steps." + name + ".status")) || skipped.equals(stepVars.get("tasks." + name + ".status"))) {
                return true;
            }
        }
        return false;
    }

    /** A template's declared inputs from {@code given} values, defaults and enums; errors at {@code argumentsPath}. */
    static Map<String, String> bind(ArgoSpec.Template template, String templatePath, Map<String, String> given,
            Map<String, String> vars, String argumentsPath) {
        return bind(template, templatePath, given, vars, argumentsPath, "pass it in arguments.parameters, or give it a default");
    }

    /** As above; {@code hint} says where a missing value is given. */
    static Map<String, String> bind(ArgoSpec.Template template, String templatePath, Map<String, String> given,
            Map<String, String> vars, String argumentsPath, String hint) {
        Map<String, String> left = new LinkedHashMap<>(given);
        Map<String, String> inputs = new LinkedHashMap<>();
        List<ArgoSpec.Parameter> declared = template.inputs() == null || template.inputs().parameters() == null
                ? List.of() : template.inputs().parameters();
        for (int i = 0; i < declared.size(); i++) {
            ArgoSpec.Parameter p = declared.get(i);
            String where = templatePath + ".inputs.parameters[" + i + "]";
            String value = left.containsKey(p.name()) ? left.remove(p.name())
                    : p.value() != null ? Templates.resolve(p.value(), vars, where + ".value")
                    : p.defaultValue() != null ? Templates.resolve(p.defaultValue(), vars, where + ".default")
                    : null;
            if (value == null) {
                throw new SpecException(argumentsPath + ": input parameter '" + p.name() + "' of template '"
                        + template.name() + "' has no value (" + hint + ")");
            }
            if (p.enumValues() != null && !p.enumValues().contains(value)) {
                throw new SpecException(where + ".enum: '" + value + "' is not one of " + p.enumValues());
            }
            inputs.put(p.name(), value);
        }
        // An argument the template does not declare is passed along unused, as Argo does (lint notices it).
        return inputs;
    }

    private static Object parsed(String result) {
        if (result == null) {
            return null;
        }
        try {
            Object v = JSON.readValue(result, Object.class);
            return v instanceof Map || v instanceof List ? v : result;
        } catch (JsonProcessingException e) {
            return result;
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

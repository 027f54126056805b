package floe.argo;

import floe.argo.ArgoConverter.ArgoError;
import floe.expr.Templates;
import floe.model.Dependency;
import floe.model.Phase;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.TaskContext;
import floe.model.TaskOutcome;
import floe.model.Workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Expands one template call (the entrypoint, or the exit handler) into stages. A steps or dag
 * template is a {@link CallTree.Body} whose calls are expanded in turn, at any depth; a container
 * or script template is a leaf: one stage, named by the path of step names leading to it
 * ({@code outer.inner}). A loop over a nested template multiplies the tasks of every stage under
 * it; inside each instance, a stage waits only on the stages of the same instance ({@link
 * Dependency#grouped}). A template that calls itself is expanded up to
 * {@code floe.argo.max-recursion-depth} levels, each behind the condition that leads to it; a task that would
 * go deeper fails with that limit named.
 */
final class Expansion {
    /** The most items a {@code withParam} list may have. */
    static final int MAX_PARAM_ITEMS = 10_000;
    /** The most stages one workflow may expand to. */
    static final int MAX_STAGES = 1_000;
    static final Pattern OUTPUT_REF = Pattern.compile(
            "(?:steps|tasks)(?:\\.([A-Za-z0-9_-]+)|\\[\\s*['\"]([^'\"]+)['\"]\\s*])\\.(?:outputs|exitCode|status|ip)");

    /** A stage every stage made under a call waits on, established in a body that runs {@code groups} times. */
    private record Need(String stage, int groups) {}

    /** What a call passes down to everything expanded under it. */
    private record Inherited(List<String> stack, int parallelism, boolean continueOnFailure, boolean deferred) {
        Inherited deeper(String template, Integer templateParallelism, boolean continueOn) {
            List<String> s = new ArrayList<>(stack);
            s.add(template);
            int p = templateParallelism == null ? parallelism
                    : parallelism == 0 ? templateParallelism : Math.min(parallelism, templateParallelism);
            return new Inherited(s, p, continueOnFailure || continueOn, deferred);
        }

        Inherited handled(boolean failureHandled) {
            return new Inherited(stack, parallelism, continueOnFailure || failureHandled, deferred);
        }

        /** Failures under here let the rest run (a hook, a dag without failFast) and fail the run at its end. */
        Inherited deferring(boolean defer) {
            return new Inherited(stack, parallelism, continueOnFailure, deferred || defer);
        }
    }

    private final String name;
    private final ArgoDocuments.Home home;
    private final ArgoDocuments.Library library;
    private final ArgoOptions options;
    private final LocalResources local;
    private final Map<String, String> globals;
    private final boolean exitHandler;
    private TemplateDefaults defaults = TemplateDefaults.none();
    /** In an exit handler: where the workflow's global outputs are kept, and their names. */
    private String publishedDir;
    private java.util.Set<String> published = java.util.Set.of();
    private final Map<String, Stage> made = new LinkedHashMap<>();
    private final Map<String, List<String>> outputNames = new HashMap<>();
    /** The output artifacts of each leaf stage (for lint's stand-in completions): NAME/ when stored as it is, else NAME.tgz. */
    private final Map<String, List<String>> artifactNames = new HashMap<>();
    /** The entrypoint's input artifacts from the workflow's {@code arguments.artifacts}, as location texts. */
    private Map<String, String> entryArtifacts = Map.of();
    /**
     * The workflow's global outputs so far ({@code globalName}): {@code parameters.NAME} or
     * {@code artifacts.NAME} -> [stage, the leaf template's output parameter or artifact].
     */
    private final Map<String, List<String>> globalOutputs = new LinkedHashMap<>();
    private static final Pattern GLOBAL_REF = Pattern.compile("workflow\\.outputs\\.((?:parameters|artifacts)\\.[A-Za-z0-9_.-]*[A-Za-z0-9_-])");
    /** Stages whose failures let the rest run and fail the run at its end, with why. */
    private final Map<String, String> deferred = new LinkedHashMap<>();
    private Workflow.Builder out;
    private Map<String, String> base;
    /** The scope each steps or dag template's run keeps its daemons under: the name of the stage that ends them. */
    private final Map<CallTree.Body, String> scopes = new java.util.IdentityHashMap<>();
    /** The bodies that started daemons; null among them: the entrypoint is a daemon. */
    private final Set<CallTree.Body> withDaemons = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private boolean entryDaemon;
    /** The stages of daemon templates, whose tasks report an {@code ip}. */
    private final Set<String> daemonStages = new java.util.HashSet<>();

    Expansion(String name, ArgoDocuments.Home home, ArgoDocuments.Library library, ArgoOptions options,
            LocalResources local, Map<String, String> globals, boolean exitHandler) {
        this.name = name;
        this.home = home;
        this.library = library;
        this.options = options;
        this.local = local;
        this.globals = globals;
        this.exitHandler = exitHandler;
    }

    /** This expansion with the workflow's settings for all its templates. */
    /** This expansion giving the entrypoint {@code artifacts} (input name -> location text), from the workflow's arguments. */
    Expansion withArtifacts(Map<String, String> artifacts) {
        this.entryArtifacts = new LinkedHashMap<>(artifacts);
        return this;
    }

    /**
     * This expansion, of an exit handler, reading the workflow's global outputs {@code names} from
     * {@code dir}, where the workflow's run keeps them ({@link #keepGlobalOutputs}).
     */
    Expansion withPublishedGlobals(String dir, java.util.Set<String> names) {
        this.publishedDir = dir;
        this.published = new java.util.TreeSet<>(names);
        return this;
    }

    /** The global outputs this workflow sets ({@code parameters.P}, {@code artifacts.A}). */
    java.util.Set<String> globalOutputNames() {
        return new java.util.TreeSet<>(globalOutputs.keySet());
    }

    /** Keeps the global outputs in {@code dir} for the exit handler: a stage after the stages that set them. */
    void keepGlobalOutputs(String dir) {
        if (globalOutputs.isEmpty()) {
            return;
        }
        Stage.Builder keep = Stage.named(GlobalOutputs.STAGE).run(new GlobalOutputs(dir, globalOutputs));
        globalOutputs.values().stream().map(from -> from.get(0)).distinct().forEach(keep::after);
        Stage stage = keep.build();
        out.stage(stage);
        made.put(GlobalOutputs.STAGE, stage);
    }

    Expansion withDefaults(TemplateDefaults newDefaults) {
        this.defaults = newDefaults;
        return this;
    }

    /** The workflow that runs template {@code entry}, whose inputs come from the workflow's {@code arguments}. */
    Workflow.Builder run(String entry, String entryPath, List<ArgoSpec.Parameter> arguments, String argumentsPath) throws IOException {
        return run(prepared(home.find(entry, entryPath)), entryPath, argumentsPath);
    }

    /**
     * The workflow's lifecycle hooks ({@code spec.hooks}) as its exit handler: a steps template of
     * one group, a step per hook, the {@code exit} hook (or {@code onExit}) run whatever the
     * outcome and each other hook when its expression holds. As for a step's hooks, Floe evaluates
     * an expression once, after the workflow ended: a hook on {@code Running} does not run, and lint says so.
     */
    Workflow.Builder runHooks(Map<String, ArgoSpec.LifecycleHook> hooks, String onExit, String hooksPath, String onExitPath)
            throws IOException {
        List<Map<String, Object>> group = new ArrayList<>();
        Map<String, ArgoSpec.LifecycleHook> all = new java.util.TreeMap<>(hooks);
        if (onExit != null) {
            if (all.containsKey("exit")) {
                throw new ArgoError(onExitPath, "give onExit or hooks.exit, not both");
            }
            all.put("exit", new ArgoSpec.LifecycleHook(onExit, null, null, null));
        }
        for (Map.Entry<String, ArgoSpec.LifecycleHook> e : all.entrySet()) {
            String path = hooksPath + "." + e.getKey();
            ArgoSpec.LifecycleHook hook = e.getValue();
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", e.getKey());
            step.put("template", hook.template());
            step.put("templateRef", hook.templateRef());
            step.put("arguments", hook.arguments());
            if (!e.getKey().equals("exit")) {
                if (hook.expression() == null) {
                    throw new ArgoError(path, "give the hook an expression (only the exit hook runs without one)");
                }
                if (hook.expression().contains("Running")) {
                    library.notice(path + ".expression", "evaluated once the workflow has ended, so a hook on Running does not run here");
                }
                step.put("when", "{{=" + hook.expression() + "}}");
            }
            step.values().removeIf(java.util.Objects::isNull);
            group.add(step);
        }
        ArgoSpec.Template template = HOOKS.convertValue(Map.of("name", "hooks", "steps", List.of(group)), ArgoSpec.Template.class);
        return run(new ArgoDocuments.Found(template, hooksPath, home), hooksPath, hooksPath);
    }

    private static final ObjectMapper HOOKS = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Workflow.Builder run(ArgoDocuments.Found found, String entryPath, String argumentsPath) throws IOException {
        out = Workflow.named(name);
        globals.forEach((k, v) -> {
            if (k.startsWith("workflow.parameters.") && !k.equals("workflow.parameters.json")) {
                out.parameter(k.substring("workflow.parameters.".length()), v);
            }
        });
        // Argo gives the entrypoint the workflow's arguments of the same names as its inputs.
        Map<String, String> given = new LinkedHashMap<>();
        List<ArgoSpec.Parameter> declared = found.template().inputs() == null || found.template().inputs().parameters() == null
                ? List.of() : found.template().inputs().parameters();
        for (ArgoSpec.Parameter p : declared) {
            String value = globals.get("workflow.parameters." + p.name());
            if (value != null) {
                given.put(p.name(), value);
            }
        }
        Map<String, String> inputs = ArgoScope.bind(found.template(), found.path(), given, globals, argumentsPath,
                "the entrypoint takes it from spec.arguments.parameters: give it there or with -p NAME=VALUE");
        base = new LinkedHashMap<>(globals);
        inputs.forEach((k, v) -> base.put("inputs.parameters." + k, v));
        entryArtifacts.forEach((k, v) -> base.put("inputs.artifacts." + k, v));
        CallTree.Call call = new CallTree.Call(found.template().name(), entryPath, null, null, 1, null,
                found.template(), found.path());
        List<Need> first = List.of();
        if (suspendedAtStart) {
            // spec.suspend: the run waits, before anything of it runs, until floe resume (Argo's argo resume).
            Stage suspended = Stage.named(SUSPENDED_STAGE).command(new WorkflowSuspension(
                    new floe.model.Suspension(null, options.suspendDir() + "/" + local.run(), local.run(), "workflow", List.of()))).build();
            out.stage(suspended);
            made.put(SUSPENDED_STAGE, suspended);
            first = List.of(new Need(SUSPENDED_STAGE, 1));
        }
        expand(call, List.of(), 1, first, found.template().name(), new Inherited(List.of(), 0, false, false), found.home());
        return out;
    }

    /** The stage of a workflow that starts suspended ({@code spec.suspend: true}): its one task waits until resumed. */
    static final String SUSPENDED_STAGE = "floe.suspended";

    private boolean suspendedAtStart;

    /** This expansion of a workflow that waits, before it runs anything, until it is resumed ({@code spec.suspend}). */
    Expansion suspendedAtStart(boolean suspended) {
        this.suspendedAtStart = suspended;
        return this;
    }

    /** The command of {@link #SUSPENDED_STAGE}'s task: the wait. */
    private record WorkflowSuspension(floe.model.Suspension suspension) implements floe.model.CommandFunction {
        @Override
        public floe.model.Command resolve(TaskContext context) {
            return floe.model.Command.action(suspension, List.of());
        }

        @Override
        public String describe() {
            return "suspend until resumed (spec.suspend)";
        }
    }

    /**
     * The last stages: removing the run's directories ({@code runRoot}, unless null), then failing
     * the run if a failure that let the rest run happened.
     */
    void finish(String runRoot) {
        if (entryDaemon) {
            endDaemons(DaemonScopeEnd.NAME, new ArrayList<>(made.keySet()), 1, "spec.entrypoint");
        }
        List<String> all = new ArrayList<>(made.keySet());
        if (runRoot != null) {
            Stage.Builder cleanup = Stage.named(RunDirectory.STAGE).run(new RunDirectory(runRoot, options.keepVolumes()));
            all.forEach(cleanup::after);
            out.stage(cleanup.build());
            all.add(RunDirectory.STAGE);
        }
        if (!deferred.isEmpty()) {
            // The failures that let the rest run still fail the run, once everything else ran.
            Stage.Builder verdict = Stage.named(DeferredFailures.STAGE).run(new DeferredFailures(deferred));
            all.forEach(verdict::after);
            out.stage(verdict.build());
        }
    }

    private void expand(CallTree.Call call, List<CallTree.Call> above, int instances, List<Need> needs, String stageName,
            Inherited inherited, ArgoDocuments.Home at) throws IOException {
        ArgoSpec.Template t = call.template;
        List<CallTree.Call> chain = new ArrayList<>(above);
        chain.add(call);
        if (t.runsContainers() || t.resource() != null || ArgoActions.runs(t)) {
            leaf(call, chain, instances, needs, stageName, inherited);
            return;
        }
        if (t.steps() == null && t.dag() == null) {
            throw new ArgoError(call.templatePath, refusal(t));
        }
        String key = at.prefix() + "/" + t.name();
        if (inherited.stack().contains(key)) {
            unconditional(chain, call);
        }
        if (inherited.stack().stream().filter(key::equals).count() >= options.recursionDepth()) {
            call.tooDeep = options.recursionDepth();
            leaf(call, chain, instances, needs, stageName, inherited);
            return;
        }
        if (call.dynamic()) {
            throw new ArgoError(call.stepPath + (call.step.withParam() != null ? ".withParam" : ".withSequence"), "a loop over a steps or dag template whose list comes from"
                    + " earlier steps' outputs is not supported by Floe yet (a list known before the run is)");
        }
        TemplateSettings.nestedTemplateFields(t, call.templatePath);
        CallTree.Body body = new CallTree.Body(t, call.templatePath);
        call.body = body;
        int inner = instances * call.width;
        String prefix = above.isEmpty() ? "" : stageName + ".";
        Inherited deeper = inherited.deeper(key, t.parallelism(), continueOn(call));
        int first = made.size();
        scopes.put(body, prefix + DaemonScopeEnd.NAME);
        if (t.steps() != null) {
            steps(body, chain, inner, needs, prefix, deeper, at);
        } else {
            dag(body, chain, inner, needs, prefix, deeper, at);
        }
        if (withDaemons.contains(body)) {
            endDaemons(scopes.get(body), new ArrayList<>(made.keySet()).subList(first, made.size()), inner, call.templatePath);
            call.argumentStages.add(scopes.get(body)); // what runs after this template starts once its daemons ended
        }
    }

    /**
     * The stage that ends the daemons of a steps or dag template once every stage under it ended:
     * one task for each of the template's {@code runs}, each after that run's tasks only.
     */
    private void endDaemons(String scope, List<String> under, int runs, String templatePath) {
        if (made.containsKey(scope)) {
            throw new ArgoError(templatePath, "the stage ending this template's daemons would be named '" + scope
                    + "', as a step's stage is: rename the step");
        }
        Stage.Builder end = Stage.named(scope).run(new DaemonScopeEnd(scope)).withSequence(runs);
        for (String up : under) {
            Stage u = made.get(up);
            if (runs == 1 || u.isDynamic()) {
                end.after(up);
            } else {
                end.dependsOn(Dependency.grouped(up, u.tasks() / runs, 1));
            }
        }
        Stage built = end.build();
        out.stage(built);
        made.put(scope, built);
    }

    /**
     * Refuses a template that calls itself with no {@code when} or {@code depends} on the way back
     * to it: it would never end.
     */
    private static void unconditional(List<CallTree.Call> chain, CallTree.Call call) {
        List<String> cycle = new ArrayList<>();
        for (int i = chain.size() - 2; i >= 0; i--) {
            CallTree.Call c = chain.get(i + 1);
            cycle.add(0, c.name);
            if (c.depends != null || (c.step != null && c.step.when() != null)) {
                return;
            }
            if (chain.get(i).templatePath.equals(call.templatePath)) {
                cycle.add(0, call.template.name());
                throw new ArgoError(call.stepPath, "template '" + call.template.name() + "' calls itself ("
                        + String.join(" -> ", cycle) + ") with no when or depends on the way: it would never end");
            }
        }
    }

    /** The reason a template that is not container, script, steps or dag is refused, naming its kind. */
    static String refusal(ArgoSpec.Template t) {
        String kind = TemplateSettings.otherKind(t);
        return switch (kind) {
            case "none" -> "template '" + t.name() + "' has nothing to run (steps, dag, container or script)";
            default -> "template '" + t.name() + "' is a " + kind + " template, which Floe does not run yet";
        };
    }

    private void steps(CallTree.Body body, List<CallTree.Call> chain, int inner, List<Need> needs, String prefix,
            Inherited inherited, ArgoDocuments.Home at) throws IOException {
        List<CallTree.Call> previous = List.of();
        List<List<ArgoSpec.Step>> groups = body.template.steps();
        for (int g = 0; g < groups.size(); g++) {
            List<CallTree.Call> group = new ArrayList<>();
            List<ArgoSpec.Step> steps = groups.get(g) == null ? List.of() : groups.get(g);
            for (int s = 0; s < steps.size(); s++) {
                ArgoSpec.Step step = steps.get(s);
                String path = body.templatePath + ".steps[" + g + "][" + s + "]";
                if (body.call(step.name()) != null) {
                    throw new ArgoError(path + ".name", "step '" + step.name() + "' defined twice in template '" + body.template.name() + "'");
                }
                ArgoDocuments.Found target = target(step, path, at);
                CallTree.Call c = call(step, path, target, null, chain, inner);
                List<Need> n = new ArrayList<>(needs);
                previous.forEach(p -> leaves(p, inner, n));
                int before = n.size();
                referenced(body, step, path, inner, n);
                n.subList(before, n.size()).forEach(x -> c.argumentStages.add(x.stage()));
                body.calls.add(c);
                boolean hooked = step.hooks() != null || step.onExit() != null;
                expand(c, chain, inner, n, prefix + c.name, inherited.handled(continueOn(c)).deferring(hooked), target.home());
                hooks(body, c, chain, inner, needs, prefix, inherited, at);
                group.add(c);
            }
            previous = group;
        }
    }

    private void dag(CallTree.Body body, List<CallTree.Call> chain, int inner, List<Need> needs, String prefix,
            Inherited inherited, ArgoDocuments.Home at) throws IOException {
        ArgoSpec.Dag dag = body.template.dag();
        String path = body.templatePath + ".dag";
        boolean failFast = !Boolean.FALSE.equals(dag.failFast());
        List<ArgoSpec.DagTask> tasks = dag.tasks() == null ? List.of() : dag.tasks();
        if (tasks.isEmpty()) {
            throw new ArgoError(path + ".tasks", "no tasks");
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (byName.put(tasks.get(i).name(), i) != null) {
                throw new ArgoError(path + ".tasks[" + i + "].name", "task '" + tasks.get(i).name() + "' defined twice");
            }
        }
        Map<Integer, List<String>> upstream = new LinkedHashMap<>();
        Map<Integer, ArgoDepends> conditions = new LinkedHashMap<>();
        Set<String> observed = new TreeSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            ArgoDepends depends = DagOrder.dagDepends(tasks.get(i), path + ".tasks[" + i + "]", byName);
            conditions.put(i, depends);
            upstream.put(i, depends == null ? List.of() : depends.terms().stream().map(ArgoDepends.Term::name).distinct().toList());
            if (depends != null) {
                depends.terms().stream().filter(t -> t.result() != null && ArgoDepends.OBSERVE_FAILURE.contains(t.result()))
                        .forEach(t -> observed.add(t.name()));
            }
        }
        List<Integer> order = new ArrayList<>();
        Map<Integer, Integer> state = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            DagOrder.topo(i, tasks, upstream, byName, state, order, new ArrayList<>(), body.templatePath);
        }
        Set<Integer> wanted = DagOrder.targets(dag.target() == null ? "" : Templates.resolve(dag.target(), globals, path + ".target"),
                path + ".target", byName, upstream);
        order.removeIf(i -> !wanted.contains(i));
        for (int i : order) {
            ArgoSpec.DagTask task = tasks.get(i);
            String taskPath = path + ".tasks[" + i + "]";
            ArgoSpec.Step step = task.asStep();
            ArgoDocuments.Found target = target(step, taskPath, at);
            CallTree.Call c = call(step, taskPath, target, conditions.get(i), chain, inner);
            List<Need> n = new ArrayList<>(needs);
            for (String up : upstream.get(i)) {
                leaves(body.call(up), inner, n);
            }
            int before = n.size();
            referenced(body, step, taskPath, inner, n);
            n.subList(before, n.size()).forEach(x -> c.argumentStages.add(x.stage()));
            body.calls.add(c);
            boolean handled = observed.contains(task.name()) || continueOn(c);
            boolean hooked = step.hooks() != null || step.onExit() != null;
            expand(c, chain, inner, n, prefix + c.name, inherited.handled(handled).deferring(!failFast || hooked), target.home());
            hooks(body, c, chain, inner, needs, prefix, inherited.deferring(!failFast), at);
        }
    }

    /**
     * A step's or task's hooks, each a call after it: {@code exit} (and the older {@code onExit})
     * runs once it ended, whatever its outcome; another hook runs then if its {@code expression}
     * holds over the ended step (Floe evaluates it once, at the end: a hook on {@code Running}
     * does not run, and lint says so).
     */
    private void hooks(CallTree.Body body, CallTree.Call c, List<CallTree.Call> chain, int inner, List<Need> needs, String prefix,
            Inherited inherited, ArgoDocuments.Home at) throws IOException {
        Map<String, ArgoSpec.LifecycleHook> hooks = new java.util.TreeMap<>();
        if (c.step.hooks() != null) {
            hooks.putAll(c.step.hooks());
        }
        if (c.step.onExit() != null) {
            if (hooks.containsKey("exit")) {
                throw new ArgoError(c.stepPath + ".onExit", "give onExit or hooks.exit, not both");
            }
            hooks.put("exit", new ArgoSpec.LifecycleHook(c.step.onExit(), null, null, null));
        }
        for (Map.Entry<String, ArgoSpec.LifecycleHook> e : hooks.entrySet()) {
            ArgoSpec.LifecycleHook hook = e.getValue();
            String path = c.stepPath + (c.step.onExit() != null && e.getKey().equals("exit") && c.step.hooks() == null
                    ? ".onExit" : ".hooks." + e.getKey());
            String when = null;
            if (!e.getKey().equals("exit")) {
                if (hook.expression() == null) {
                    throw new ArgoError(path, "give the hook an expression (only the exit hook runs without one)");
                }
                if (hook.expression().contains("Running")) {
                    library.notice(path + ".expression", "evaluated once the step has ended, so a hook on Running does not run here");
                }
                when = "{{=" + hook.expression() + "}}";
            }
            ArgoSpec.Step step = new ArgoSpec.Step(c.name + ".hooks." + e.getKey(), hook.template(), hook.arguments(), null, null,
                    null, when, null, hook.templateRef(), null, null, null);
            ArgoDocuments.Found target = target(step, path, at);
            CallTree.Call h = call(step, path, target, null, chain, inner);
            List<Need> n = new ArrayList<>(needs);
            leaves(c, inner, n);
            referenced(body, step, path, inner, n);
            body.calls.add(h);
            expand(h, chain, inner, n, prefix + h.name, inherited, target.home());
        }
    }

    /** The template a step or task runs: {@code template}, {@code templateRef} or {@code inline}. */
    private ArgoDocuments.Found target(ArgoSpec.Step step, String path, ArgoDocuments.Home at) {
        int given = (step.template() != null ? 1 : 0) + (step.templateRef() != null ? 1 : 0) + (step.inline() != null ? 1 : 0);
        if (given != 1) {
            throw new ArgoError(path, given == 0 ? "give template, templateRef or inline" : "give only one of template, templateRef and inline");
        }
        if (step.inline() != null) {
            ArgoSpec.Template inline = step.inline();
            if (inline.name() == null) {
                inline = inline.named(step.name());
            }
            return prepared(new ArgoDocuments.Found(inline, path + ".inline", at));
        }
        if (step.templateRef() != null) {
            ArgoSpec.TemplateRef ref = step.templateRef();
            if (ref.name() == null || ref.template() == null) {
                throw new ArgoError(path + ".templateRef", "give name and template");
            }
            ArgoDocuments.Doc doc = library.find(ref.name(), Boolean.TRUE.equals(ref.clusterScope()), path + ".templateRef.name");
            return prepared(library.home(doc).find(ref.template(), path + ".templateRef.template"));
        }
        return prepared(at.find(step.template(), path + ".template"));
    }

    /**
     * A template as it runs here: the workflow's template defaults under it; its input parameters that take their value from a config map
     * ({@code valueFrom.configMapKeyRef}) have it, read now (a config map is not secret).
     */
    private ArgoDocuments.Found prepared(ArgoDocuments.Found found) {
        ArgoSpec.Template t = defaults.apply(found.template());
        if (t != found.template()) {
            found = new ArgoDocuments.Found(t, found.path(), found.home());
        }
        if (t.inputs() == null || t.inputs().parameters() == null) {
            return found;
        }
        List<ArgoSpec.Parameter> params = new ArrayList<>(t.inputs().parameters());
        boolean changed = false;
        for (int i = 0; i < params.size(); i++) {
            ArgoSpec.Parameter p = params.get(i);
            if (p.value() == null && p.valueFrom() != null && p.valueFrom().get("configMapKeyRef") != null) {
                params.set(i, p.withValue(local.configMapParameter(p, found.path() + ".inputs.parameters[" + i + "].valueFrom")));
                changed = true;
            }
        }
        return changed ? new ArgoDocuments.Found(t.withInputs(new ArgoSpec.Inputs(params, t.inputs().artifacts())), found.path(),
                found.home()) : found;
    }

    private CallTree.Call call(ArgoSpec.Step step, String path, ArgoDocuments.Found target, ArgoDepends depends,
            List<CallTree.Call> chain, int instances) {
        if (step.name() == null) {
            throw new ArgoError(path, "give the step a name");
        }
        // A sequence sized by earlier steps' outputs is known when the step starts, as a withParam list is.
        boolean late = TemplateSettings.lateSequence(step);
        List<Object> items = late ? List.of() : items(step, path, chain, instances);
        int width = items.isEmpty() ? 1 : items.size();
        List<Object> fixed = items.isEmpty() ? null : items;
        if (step.withParam() != null || late) {
            width = late ? -1 : staticWidth(step, path, chain, instances);
            if (width < 0 && instances > 1) {
                throw new ArgoError(path + (late ? ".withSequence" : ".withParam"), "a loop whose list comes from earlier steps'"
                        + " outputs, inside a looped steps or dag template, is not supported by Floe yet");
            }
        }
        undeclared(step, path, target.template());
        return new CallTree.Call(step.name(), path, step, fixed, width, depends, target.template(), target.path());
    }

    /** Arguments the called template has no input for: Argo passes them along unused; so does Floe, with a notice. */
    private void undeclared(ArgoSpec.Step step, String path, ArgoSpec.Template template) {
        if (step.arguments() == null || step.arguments().parameters() == null) {
            return;
        }
        java.util.Set<String> declared = new java.util.HashSet<>();
        if (template.inputs() != null && template.inputs().parameters() != null) {
            template.inputs().parameters().forEach(p -> declared.add(p.name()));
        }
        List<ArgoSpec.Parameter> args = step.arguments().parameters();
        for (int i = 0; i < args.size(); i++) {
            if (!declared.contains(args.get(i).name())) {
                library.notice(path + ".arguments.parameters[" + i + "]", "template '" + template.name()
                        + "' has no input parameter '" + args.get(i).name() + "': passed along unused, as Argo does");
            }
        }
    }

    /**
     * A step's {@code withItems} or {@code withSequence}, worked out in every instance of the
     * enclosing template (they must agree: the stages' tasks are numbered alike in each).
     */
    private List<Object> items(ArgoSpec.Step step, String path, List<CallTree.Call> chain, int instances) {
        if (step.withSequence() == null && step.withItems() == null) {
            return TemplateSettings.items(step, path, globals);
        }
        List<Object> first = null;
        for (Map<String, String> vars : known(chain, instances)) {
            List<Object> items = TemplateSettings.items(step, path, vars == null ? globals : vars);
            if (first != null && !first.equals(items)) {
                throw new ArgoError(path, "the loop differs between runs of the enclosing template (" + first.size()
                        + " items, then " + items.size() + "): Floe needs the same loop in each");
            }
            first = items;
        }
        return first == null ? TemplateSettings.items(step, path, globals) : first;
    }

    /**
     * A template field that must be known before the run (a timeout, a retry limit), with its
     * {@code {{...}}} filled in as every task of the stage sees it: they must agree.
     */
    private String fixed(String text, List<CallTree.Call> chain, int tasks, String where) {
        if (text == null || !floe.expr.Templates.isTemplate(text)) {
            return text;
        }
        String value = null;
        for (Map<String, String> vars : known(chain, tasks)) {
            if (vars == null) {
                throw new ArgoError(where, "'" + text + "' must be known before the run, and it uses earlier steps' outputs");
            }
            String v = floe.expr.Templates.resolve(text, vars, where);
            if (value != null && !value.equals(v)) {
                throw new ArgoError(where, "'" + text + "' is '" + value + "' for one task and '" + v + "' for another:"
                        + " Floe needs one value for all tasks of a step");
            }
            value = v;
        }
        return value == null ? text : value;
    }

    /**
     * The variables inside the template {@code chain} ends in, for each of (up to 1,000 of) its
     * {@code count} runs, as known before the run; null for a run whose variables need step outputs.
     */
    private List<Map<String, String>> known(List<CallTree.Call> chain, int count) {
        ArgoScope scope = new ArgoScope(chain, base);
        List<Map<String, String>> out = new ArrayList<>();
        int checked = Math.max(1, Math.min(count, 1_000));
        for (int i = 0; i < checked; i++) {
            int index = (int) ((long) i * count / checked);
            try {
                ArgoScope.Outcome o = scope.walk(index, new ArgoScope.Done(List.of()), runVars(), false);
                if (o.skipped() == null) {
                    out.add(o.vars());
                }
            } catch (floe.SpecException e) {
                out.add(null);
            }
        }
        return out;
    }

    private Map<String, String> runVars() {
        Map<String, String> vars = new LinkedHashMap<>(exitVars());
        vars.put("workflow.duration", "0");
        vars.put("retries", "0");
        return vars;
    }

    /**
     * The size of a {@code withParam} list that needs no step's outputs: worked out now for every
     * instance of the enclosing template (they must agree), or -1 when it needs outputs.
     */
    private int staticWidth(ArgoSpec.Step step, String path, List<CallTree.Call> chain, int instances) {
        Matcher refs = OUTPUT_REF.matcher(step.withParam());
        if (refs.find() || step.withParam().contains("{{item")) {
            return -1;
        }
        ArgoScope scope = new ArgoScope(chain, base);
        CallTree.Call probe = new CallTree.Call(step.name(), path, step, null, -1, null, null, null);
        int width = -1;
        int checked = Math.min(instances, 1_000);
        for (int i = 0; i < checked; i++) {
            int index = (int) ((long) i * instances / checked);
            ArgoScope.Outcome o;
            try {
                o = scope.walk(index, new ArgoScope.Done(List.of()), exitVars(), false);
            } catch (floe.SpecException e) {
                return -1;
            }
            if (o.skipped() != null) {
                continue;
            }
            int n = ArgoScope.paramItems(probe, o.vars()).size();
            if (width >= 0 && n != width) {
                throw new ArgoError(path + ".withParam", "the list has " + width + " items in one run of the enclosing template"
                        + " and " + n + " in another: Floe needs the same number in each");
            }
            width = n;
        }
        if (width == 0) {
            throw new ArgoError(path + ".withParam", "empty list: the step would run no task");
        }
        return width;
    }

    private Map<String, String> exitVars() {
        return ArgoCommand.extra(exitHandler ? "Succeeded" : null, null);
    }

    private static boolean continueOn(CallTree.Call c) {
        if (c.step == null || c.step.continueOn() == null) {
            return false;
        }
        boolean on = false;
        for (Map.Entry<String, Object> e : c.step.continueOn().entrySet()) {
            if (!e.getKey().equals("failed") && !e.getKey().equals("error")) {
                throw new ArgoError(c.stepPath + ".continueOn." + e.getKey(), "not failed or error");
            }
            on |= Boolean.TRUE.equals(e.getValue()) || "true".equals(String.valueOf(e.getValue()));
        }
        return on;
    }

    /** Adds every stage under {@code c} as a need in a body of {@code groups} instances. */
    private static void leaves(CallTree.Call c, int groups, List<Need> needs) {
        for (CallTree.Leaf l : c.leaves()) {
            needs.add(new Need(l.stage(), groups));
        }
        if (!c.leaf() && c.argumentStages != null) {
            c.argumentStages.forEach(stage -> needs.add(new Need(stage, groups)));
        }
    }

    /** The earlier steps or tasks whose outputs the step's arguments, {@code when} or loop use. */
    private void referenced(CallTree.Body body, ArgoSpec.Step step, String stepPath, int groups, List<Need> needs) {
        Map<String, String> texts = new LinkedHashMap<>();
        if (step.arguments() != null && step.arguments().parameters() != null) {
            for (int i = 0; i < step.arguments().parameters().size(); i++) {
                ArgoSpec.Parameter p = step.arguments().parameters().get(i);
                texts.put(stepPath + ".arguments.parameters[" + i + "].value", p.value());
                if (p.valueFrom() != null && p.valueFrom().get("expression") != null) {
                    texts.put(stepPath + ".arguments.parameters[" + i + "].valueFrom.expression", String.valueOf(p.valueFrom().get("expression")));
                }
            }
        }
        if (step.arguments() != null && step.arguments().artifacts() != null) {
            for (int i = 0; i < step.arguments().artifacts().size(); i++) {
                texts.put(stepPath + ".arguments.artifacts[" + i + "].from", step.arguments().artifacts().get(i).from());
                texts.put(stepPath + ".arguments.artifacts[" + i + "].fromExpression", step.arguments().artifacts().get(i).fromExpression());
            }
        }
        texts.put(stepPath + ".when", step.when());
        texts.put(stepPath + ".withParam", step.withParam());
        if (step.withSequence() != null) {
            texts.put(stepPath + ".withSequence.count", step.withSequence().count());
            texts.put(stepPath + ".withSequence.start", step.withSequence().start());
            texts.put(stepPath + ".withSequence.end", step.withSequence().end());
        }
        for (Map.Entry<String, String> text : texts.entrySet()) {
            Matcher m = OUTPUT_REF.matcher(text.getValue() == null ? "" : text.getValue());
            while (m.find()) {
                String ref = m.group(1) != null ? m.group(1) : m.group(2);
                CallTree.Call c = body.call(ref);
                if (c == null) {
                    throw new ArgoError(text.getKey(), "'" + ref + "' is not an earlier step or task of template '"
                            + body.template.name() + "' (earlier: " + (body.calls.isEmpty() ? "none"
                            : String.join(", ", body.calls.stream().map(x -> x.name).toList())) + ")");
                }
                leaves(c, groups, needs);
            }
        }
    }

    private void leaf(CallTree.Call call, List<CallTree.Call> chain, int instances, List<Need> needs, String stageName,
            Inherited inherited) throws IOException {
        if (made.size() >= MAX_STAGES) {
            throw new ArgoError(call.stepPath, "the workflow expands to more than " + MAX_STAGES + " stages (nested templates"
                    + " and recursion up to " + options.recursionDepth() + " levels)");
        }
        if (made.containsKey(stageName)) {
            throw new ArgoError(call.stepPath + ".name", "two steps expand to the stage '" + stageName + "'");
        }
        ArgoSpec.Template t = call.template;
        int tasks = call.dynamic() ? MAX_PARAM_ITEMS : instances * call.width;
        // Global outputs this task reads wait for the step that sets them, as it ran before in Argo.
        Map<String, List<String>> globalsRead = new java.util.TreeMap<>();
        // What the task reads: each call's step and its template's inputs on the way, and the leaf template.
        Matcher global = GLOBAL_REF.matcher(chain.stream().map(x -> x.step + " " + (x.template == null ? "" : x.template.inputs()))
                .collect(Collectors.joining(" ")) + " " + t);
        needs = new ArrayList<>(needs);
        java.util.Set<String> publishedRead = new java.util.TreeSet<>();
        while (global.find()) {
            List<String> from = globalOutputs.get(global.group(1));
            if (from != null && globalsRead.put(global.group(1), from) == null) {
                needs.add(new Need(from.get(0), 1));
            } else if (from == null && published.contains(global.group(1))) {
                publishedRead.add(global.group(1));
            }
        }
        ArgoCommand command;
        ArgoSpec.Container c = null;
        String kind = null;
        if (call.tooDeep == 0 && t.resource() != null) {
            command = new ArgoCommand(chain, base, new LocalResources.Mounts(List.of(), List.of(), List.of()), null, ArgoArtifacts.none(),
                    options.recursionDepth(), null, Map.of(), PodContainers.none())
                    .resource(ArgoResource.of(t, call.templatePath, options, library::notice)).globals(globalsRead)
                    .published(publishedDir, publishedRead);
        } else if (call.tooDeep == 0 && ArgoActions.runs(t)) {
            TemplateSettings.unsupportedTemplateFields(t, call.templatePath);
            command = new ArgoCommand(chain, base, new LocalResources.Mounts(List.of(), List.of(), List.of()), null, ArgoArtifacts.none(),
                    options.recursionDepth(), null, Map.of(), PodContainers.none())
                    .acting(ArgoActions.of(t, call.templatePath, stageName, tasks, local, options, library::notice))
                    .memoized(t.memoize() == null ? null : options.memoizeDir()).globals(globalsRead)
                    .published(publishedDir, publishedRead)
                    .locked(ArgoLocks.of(t.synchronization(), call.templatePath + ".synchronization", globals.get("workflow.namespace"),
                            options, library::notice));
        } else if (call.tooDeep == 0) {
            TemplateSettings.unsupportedTemplateFields(t, call.templatePath);
            c = t.main();
            kind = t.kind();
            String where = t.containerSet() != null ? ArgoContainerSet.mainPath(t, call.templatePath) : call.templatePath + "." + kind;
            ArgoContainerSet set = t.containerSet() == null ? null : ArgoContainerSet.of(t, call.templatePath, local, options, globals);
            String imageDir = options.images().workingDir(c.image(), where + ".image");
            List<String> entrypoint = t.script() == null && (c.command() == null || c.command().isEmpty())
                    ? local.entrypoint(c.image(), c.args() == null || c.args().isEmpty(), where) : null;
            LocalResources.Mounts mounts = local.mounts(c, where, t.volumes());
            Map<String, LocalResources.EnvSource> env = local.envSources(c, where);
            command = new ArgoCommand(chain, base, mounts, imageDir, ArgoArtifacts.of(t, call.templatePath, options.artifacts(), library::notice),
                    options.recursionDepth(), entrypoint, env, PodContainers.of(t, call.templatePath, local, options))
                    .memoized(t.memoize() == null ? null : options.memoizeDir()).globals(globalsRead)
                    .published(publishedDir, publishedRead)
                    .locked(ArgoLocks.of(t.synchronization(), call.templatePath + ".synchronization", globals.get("workflow.namespace"),
                            options, library::notice))
                    .containerSet(set);
            if (t.isDaemon()) {
                CallTree.Body body = chain.size() < 2 ? null : chain.get(chain.size() - 2).body;
                if (body == null) {
                    entryDaemon = true;
                } else {
                    daemonStages.add(stageName);
                    withDaemons.add(body);
                }
                command.daemon(ArgoDaemon.of(t, call.templatePath, call.templatePath + "." + kind,
                        body == null ? DaemonScopeEnd.NAME : scopes.get(body), call.dynamic() ? MAX_PARAM_ITEMS : call.width,
                        library::notice));
            }
        } else {
            command = new ArgoCommand(chain, base, new LocalResources.Mounts(List.of(), List.of(), List.of()), null, ArgoArtifacts.none(),
                    options.recursionDepth(), null, Map.of(), PodContainers.none());
        }
        Stage.Builder stage = Stage.named(stageName).command(command);
        if (call.dynamic()) {
            stage.withTasksFrom(MAX_PARAM_ITEMS, command::count);
        } else {
            stage.withSequence(tasks);
        }
        Map<String, Integer> groups = new LinkedHashMap<>();
        for (Need n : needs) {
            groups.merge(n.stage(), n.groups(), Math::min);
        }
        groups.forEach((up, g) -> {
            Stage u = made.get(up);
            if (g == 1 || u.isDynamic()) {
                stage.after(up);
            } else {
                stage.dependsOn(Dependency.grouped(up, u.tasks() / g, tasks / g));
            }
        });
        if (call.tooDeep == 0) {
            // Work out the first and the last task's command now: a bad template fails at lint, not at task 1000.
            String status = exitHandler ? "Succeeded" : null;
            command.check(0, placeholders(groups, 0, tasks), status);
            if (tasks > 1 && !call.dynamic()) {
                command.check(tasks - 1, placeholders(groups, tasks - 1, tasks), status);
            }
        }
        boolean handled = inherited.continueOnFailure() || continueOn(call);
        stage.continueOnFailure(handled || inherited.deferred());
        if (inherited.deferred() && !handled) {
            deferred.put(stageName, call.stepPath);
        }
        int parallelism = inherited.parallelism();
        if (t.parallelism() != null) {
            parallelism = parallelism == 0 ? t.parallelism() : Math.min(parallelism, t.parallelism());
        }
        if (parallelism > 0) {
            stage.parallelism(parallelism);
        }
        boolean acts = ArgoActions.runs(t);
        if (acts && call.tooDeep == 0) {
            TemplateSettings.retry(t, call.templatePath, globals, stage); // http and suspend: no deadline or resources of a pod
        }
        if (!acts && call.tooDeep == 0) {
            TemplateSettings.retry(t, call.templatePath, globals, stage);
            TemplateSettings.timeout(t.withDeadlines(
                    fixed(t.activeDeadlineSeconds(), chain, tasks, call.templatePath + ".activeDeadlineSeconds"),
                    fixed(t.timeout(), chain, tasks, call.templatePath + ".timeout")), call.templatePath, stage);
            if (c != null) {
                TemplateSettings.resources(t, call.templatePath, kind, stage);
            }
        }
        Stage built = stage.build();
        out.stage(built);
        made.put(stageName, built);
        call.stage = stageName;
        outputNames.put(stageName, t.outputs() == null || t.outputs().parameters() == null ? List.of()
                : t.outputs().parameters().stream().map(ArgoSpec.Parameter::name).toList());
        artifactNames.put(stageName, t.outputs() == null || t.outputs().artifacts() == null ? List.of()
                : t.outputs().artifacts().stream().map(a -> a.name() + (a.archive() != null && a.archive().none() != null ? "/" : ".tgz"))
                .toList());
        if (t.outputs() != null && t.outputs().parameters() != null && call.tooDeep == 0) {
            t.outputs().parameters().stream().filter(p -> p.globalName() != null)
                    .forEach(p -> globalOutputs.put("parameters." + p.globalName(), List.of(stageName, p.name())));
        }
        if (t.outputs() != null && t.outputs().artifacts() != null && call.tooDeep == 0) {
            t.outputs().artifacts().stream().filter(a -> a.globalName() != null)
                    .forEach(a -> globalOutputs.put("artifacts." + a.globalName(), List.of(stageName, a.name())));
        }
    }

    /** Stand-ins for the completions task {@code index} of a stage of {@code tasks} tasks waits on. */
    private List<TaskCompletion> placeholders(Map<String, Integer> groups, int index, int tasks) {
        List<TaskCompletion> out = new ArrayList<>();
        groups.forEach((up, g) -> {
            Stage u = made.get(up);
            int n = u.isDynamic() ? 1 : u.tasks();
            int from = 0;
            int to = n;
            if (g > 1 && !u.isDynamic()) {
                int group = index / (tasks / g);
                from = group * (n / g);
                to = from + n / g;
            }
            Map<String, String> outputs = new LinkedHashMap<>(Map.of(TaskOutcome.RESULT, "0", TaskOutcome.EXIT_CODE, "0",
                    TaskOutcome.PHASE, Phase.SUCCEEDED.argoName()));
            outputNames.getOrDefault(up, List.of()).forEach(p -> outputs.put(TaskOutcome.parameterKey(p), "0"));
            if (daemonStages.contains(up)) {
                outputs.put(TaskOutcome.IP, floe.exec.Daemons.LOCAL);
            }
            // A stand-in location: as it is (archive: none, maybe a directory) or a gzipped tar.
            artifactNames.getOrDefault(up, List.of()).forEach(a -> outputs.put(
                    TaskOutcome.artifactKey(a.endsWith("/") ? a.substring(0, a.length() - 1) : a.substring(0, a.length() - 4)),
                    "file:///checking/" + a));
            for (int i = from; i < to; i++) {
                out.add(new TaskCompletion(up, i, 1, 0, 0, outputs, List.of()));
            }
        });
        return out;
    }
}

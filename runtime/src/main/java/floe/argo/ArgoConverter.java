package floe.argo;

import floe.SpecException;
import floe.model.Command;
import floe.model.Stage;
import floe.model.Workflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Argo Workflow -> Floe workflow, one way. The entrypoint's {@code steps} become stages: each
 * step is a stage whose tasks are its loop ({@code withSequence}, {@code withItems}), and every
 * stage of a step group runs after all stages of the group before, as Argo runs them. Paths in
 * errors are spec paths ({@code spec.templates[0].steps[1][0].template}).
 */
final class ArgoConverter {
    private final ArgoSpec.Workflow wf;
    private final ArgoOptions options;
    /** WorkflowTemplates given beside the workflow, by file name, for {@code templateRef}. */
    private final Map<String, ArgoSpec.Workflow> library;
    private final Map<String, Integer> templateIndex = new LinkedHashMap<>();
    /** Stages made so far, and which of them loop (their outputs are lists). */
    private final List<String> made = new ArrayList<>();
    private final java.util.Set<String> looped = new java.util.TreeSet<>();
    /** The output parameters each stage made so far declares, for placeholders while checking. */
    private final Map<String, List<String>> outputParameters = new LinkedHashMap<>();
    /** Tasks whose failure a depends tests: they complete as Failed instead of failing the workflow. */
    private final java.util.Set<String> observedFailures = new java.util.TreeSet<>();
    /** The condition of the DAG task being made, if any. */
    private ArgoDepends currentDepends;
    /** Whether the stages being made are the exit handler's, whose tasks see {@code workflow.status}. */
    private boolean exitHandler;
    /** The most items a {@code withParam} list may have. */
    static final int MAX_PARAM_ITEMS = 10_000;
    private static final java.util.regex.Pattern OUTPUT_REF = java.util.regex.Pattern.compile("(?:steps|tasks)\\.([A-Za-z0-9_-]+)\\.(?:outputs|exitCode|status)");

    ArgoConverter(ArgoSpec.Workflow wf, ArgoOptions options, Map<String, ArgoSpec.Workflow> library) {
        this.wf = wf;
        this.options = options;
        this.library = library;
    }

    Workflow convert() throws IOException {
        if (!"Workflow".equals(wf.kind()) && !"WorkflowTemplate".equals(wf.kind())) {
            throw new ArgoError("kind", "'" + wf.kind() + "' is not a Workflow or WorkflowTemplate");
        }
        ArgoSpec.WorkflowSpec spec = wf.spec();
        if (spec == null) {
            throw new ArgoError("spec", "missing");
        }
        List<ArgoSpec.Template> templates = spec.templates() == null ? List.of() : spec.templates();
        for (int i = 0; i < templates.size(); i++) {
            if (templateIndex.put(templates.get(i).name(), i) != null) {
                throw new ArgoError("spec.templates[" + i + "].name", "template '" + templates.get(i).name() + "' defined twice");
            }
        }
        String name = workflowName();
        Map<String, String> globals = globals(name, spec.arguments());
        Workflow.Builder out = build(name, spec.entrypoint(), "spec.entrypoint", globals);
        if (spec.parallelism() != null) {
            if (spec.parallelism() < 1) {
                throw new ArgoError("spec.parallelism", "must be at least 1, got " + spec.parallelism());
            }
            out.parallelism(spec.parallelism());
        }
        if (spec.activeDeadlineSeconds() != null) {
            out.deadline(Quantities.duration(spec.activeDeadlineSeconds(), "spec.activeDeadlineSeconds"));
        }
        if (spec.onExit() != null) {
            made.clear();
            looped.clear();
            exitHandler = true;
            out.onExit(build(name + "-onexit", spec.onExit(), "spec.onExit", globals).build());
        }
        return out.build();
    }

    /** The workflow that runs template {@code entry} (the entrypoint, or the exit handler). */
    private Workflow.Builder build(String name, String entry, String entryField, Map<String, String> globals) throws IOException {
        Integer index = templateIndex.get(entry);
        if (index == null) {
            throw new ArgoError(entryField, "no template '" + entry + "' (known: " + String.join(", ", templateIndex.keySet()) + ")");
        }
        Workflow.Builder out = Workflow.named(name);
        globals.forEach((k, v) -> {
            if (k.startsWith("workflow.parameters.")) {
                out.parameter(k.substring("workflow.parameters.".length()), v);
            }
        });
        ArgoSpec.Template main = wf.spec().templates().get(index);
        String mainPath = "spec.templates[" + index + "]";
        if (main.steps() != null) {
            steps(main, mainPath, globals, out);
        } else if (main.dag() != null) {
            dag(main, mainPath, globals, out);
        } else if (main.container() != null || main.script() != null) {
            out.stage(stage(main.name(), mainPath, new ArgoSpec.Step(main.name(), main.name(), null, null, null, null, null, null, null),
                    main, mainPath, globals, List.of()));
        } else {
            throw new ArgoError(mainPath, "template '" + main.name() + "' has nothing to run (steps, dag, container or script)");
        }
        return out;
    }

    /**
     * A DAG: each task a stage, after the tasks it depends on. {@code depends} may join task names
     * (optionally {@code .Succeeded}) with {@code &&}; conditions on failure or skips, {@code ||}
     * and {@code !} need conditional tasks, which Floe does not run yet.
     */
    private void dag(ArgoSpec.Template main, String mainPath, Map<String, String> globals, Workflow.Builder out) throws IOException {
        TemplateSettings.unsupportedTemplateFields(main, mainPath);
        TemplateSettings.unsupported(mainPath + ".dag.target", main.dag().target());
        List<ArgoSpec.DagTask> tasks = main.dag().tasks() == null ? List.of() : main.dag().tasks();
        if (tasks.isEmpty()) {
            throw new ArgoError(mainPath + ".dag.tasks", "no tasks");
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            if (byName.put(tasks.get(i).name(), i) != null) {
                throw new ArgoError(mainPath + ".dag.tasks[" + i + "].name", "task '" + tasks.get(i).name() + "' defined twice");
            }
        }
        Map<Integer, List<String>> upstream = new LinkedHashMap<>();
        Map<Integer, ArgoDepends> conditions = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            ArgoDepends depends = DagOrder.dagDepends(tasks.get(i), mainPath + ".dag.tasks[" + i + "]", byName);
            conditions.put(i, depends);
            upstream.put(i, depends == null ? List.of() : depends.terms().stream().map(ArgoDepends.Term::name).distinct().toList());
            if (depends != null) {
                depends.terms().stream().filter(t -> t.result() != null && ArgoDepends.OBSERVE_FAILURE.contains(t.result()))
                        .forEach(t -> observedFailures.add(t.name()));
            }
        }
        List<Integer> order = new ArrayList<>();
        Map<Integer, Integer> state = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            DagOrder.topo(i, tasks, upstream, byName, state, order, new ArrayList<>(), mainPath);
        }
        for (int i : order) {
            ArgoSpec.DagTask task = tasks.get(i);
            String taskPath = mainPath + ".dag.tasks[" + i + "]";
            currentDepends = conditions.get(i);
            out.stage(runnable(task.asStep(), taskPath, globals, upstream.get(i)));
            currentDepends = null;
        }
    }

    /** A step or DAG task that runs a container or script template: its stage. */
    private Stage runnable(ArgoSpec.Step step, String stepPath, Map<String, String> globals, List<String> after) throws IOException {
        ArgoSpec.Template template;
        String templatePath;
        if (step.templateRef() != null) {
            String refName = String.valueOf(step.templateRef().get("name"));
            String refTemplate = String.valueOf(step.templateRef().get("template"));
            Map.Entry<String, ArgoSpec.Workflow> doc = library.entrySet().stream()
                    .filter(e -> e.getValue().metadata() != null && refName.equals(e.getValue().metadata().name()))
                    .findFirst()
                    .orElseThrow(() -> new ArgoError(stepPath + ".templateRef.name", "no WorkflowTemplate '" + refName
                            + "' among the files given (" + (library.isEmpty() ? "give its file after the workflow's"
                            : "given: " + String.join(", ", library.values().stream().map(w -> String.valueOf(w.metadata().name())).toList())) + ")"));
            List<ArgoSpec.Template> templates = doc.getValue().spec() == null || doc.getValue().spec().templates() == null
                    ? List.of() : doc.getValue().spec().templates();
            int t = -1;
            for (int i = 0; i < templates.size(); i++) {
                if (refTemplate.equals(templates.get(i).name())) {
                    t = i;
                }
            }
            if (t < 0) {
                throw new ArgoError(stepPath + ".templateRef.template", "WorkflowTemplate '" + refName + "' has no template '"
                        + refTemplate + "' (it has " + String.join(", ", templates.stream().map(ArgoSpec.Template::name).toList()) + ")");
            }
            template = templates.get(t);
            templatePath = doc.getKey() + "#spec.templates[" + t + "]";
        } else {
            Integer t = templateIndex.get(step.template());
            if (t == null) {
                throw new ArgoError(stepPath + ".template", "no template '" + step.template() + "' (known: "
                        + String.join(", ", templateIndex.keySet()) + ")");
            }
            template = wf.spec().templates().get(t);
            templatePath = "spec.templates[" + t + "]";
        }
        if (template.container() == null && template.script() == null) {
            throw new ArgoError(stepPath + ".template", "template '" + template.name()
                    + "' is not a container or script template; nested steps and dags are not supported by Floe yet");
        }
        return stage(step.name(), stepPath, step, template, templatePath, globals, after);
    }

    private void steps(ArgoSpec.Template main, String mainPath, Map<String, String> globals, Workflow.Builder out) throws IOException {
        TemplateSettings.unsupportedTemplateFields(main, mainPath);
        List<String> previous = List.of();
        for (int g = 0; g < main.steps().size(); g++) {
            List<String> group = new ArrayList<>();
            List<ArgoSpec.Step> steps = main.steps().get(g);
            for (int s = 0; s < steps.size(); s++) {
                ArgoSpec.Step step = steps.get(s);
                String stepPath = mainPath + ".steps[" + g + "][" + s + "]";
                Stage stage = runnable(step, stepPath, globals, previous);
                out.stage(stage);
                group.add(stage.name());
            }
            previous = group;
        }
    }

    private Stage stage(String name, String stepPath, ArgoSpec.Step step, ArgoSpec.Template template, String templatePath,
            Map<String, String> globals, List<String> after) throws IOException {
        TemplateSettings.unsupportedTemplateFields(template, templatePath);
        List<Object> items = TemplateSettings.items(step, stepPath, globals);
        ArgoSpec.Container c = template.container() != null ? template.container() : template.script();
        String kind = template.container() != null ? "container" : "script";
        List<String> upstream = new ArrayList<>(after);
        for (String referenced : outputReferences(step, stepPath)) {
            if (!upstream.contains(referenced)) {
                upstream.add(referenced); // its outputs must reach this stage's tasks
            }
        }
        String imageDir = options.images().workingDir(c.image(), templatePath + "." + kind + ".image");
        if (step.arguments() != null && step.arguments().artifacts() != null) {
            throw new ArgoError(stepPath + ".arguments.artifacts", "not supported by Floe yet (give the oss key in the template's inputs.artifacts)");
        }
        ArgoCommand command = new ArgoCommand(stepPath, templatePath, step, template, items, globals,
                mounts(c, templatePath + "." + kind), imageDir, looped, currentDepends,
                ArgoArtifacts.of(template, templatePath, options.artifacts()));
        // Work out the first and the last task's command now: a bad template fails at lint, not at task 1000.
        int tasks = Math.max(1, items.size());
        List<floe.model.TaskCompletion> placeholders = new ArrayList<>();
        for (String u : upstream) {
            Map<String, String> outputs = new LinkedHashMap<>(Map.of("result", "0", "exitCode", "0", "phase", "Succeeded"));
            outputParameters.getOrDefault(u, List.of()).forEach(p -> outputs.put("outputs.parameters." + p, "0"));
            placeholders.add(new floe.model.TaskCompletion(u, 0, 1, 0, 0, outputs, List.of()));
        }
        String status = exitHandler ? "Succeeded" : null;
        command.command(0, placeholders, status, false);
        command.command(tasks - 1, placeholders, status, false);
        command.checkCondition(0, placeholders);
        Stage.Builder stage = Stage.named(name).withSequence(tasks).command(command);
        if (step.withParam() != null) {
            stage.withTasksFrom(MAX_PARAM_ITEMS, command::count);
            looped.add(name);
        }
        if (observedFailures.contains(name)) {
            stage.continueOnFailure(true); // a later task's depends handles its failure
        }
        if (step.continueOn() != null) {
            for (Map.Entry<String, Object> on : step.continueOn().entrySet()) {
                if (!on.getKey().equals("failed") && !on.getKey().equals("error")) {
                    throw new ArgoError(stepPath + ".continueOn." + on.getKey(), "not failed or error");
                }
                if (Boolean.TRUE.equals(on.getValue()) || "true".equals(String.valueOf(on.getValue()))) {
                    stage.continueOnFailure(true);
                }
            }
        }
        upstream.forEach(stage::after);
        made.add(name);
        if (!items.isEmpty()) {
            looped.add(name);
        }
        outputParameters.put(name, template.outputs() == null || template.outputs().parameters() == null ? List.of()
                : template.outputs().parameters().stream().map(ArgoSpec.Parameter::name).toList());
        if (template.parallelism() != null) {
            stage.parallelism(template.parallelism());
        }
        TemplateSettings.retry(template, templatePath, globals, stage);
        TemplateSettings.timeout(template, templatePath, stage);
        TemplateSettings.resources(c, templatePath + "." + kind, stage);
        return stage.build();
    }

    /** The earlier steps or tasks whose outputs the step's arguments use. */
    private List<String> outputReferences(ArgoSpec.Step step, String stepPath) {
        Map<String, String> texts = new LinkedHashMap<>();
        if (step.arguments() != null && step.arguments().parameters() != null) {
            for (int i = 0; i < step.arguments().parameters().size(); i++) {
                texts.put(stepPath + ".arguments.parameters[" + i + "].value", step.arguments().parameters().get(i).value());
            }
        }
        texts.put(stepPath + ".when", step.when());
        texts.put(stepPath + ".withParam", step.withParam());
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> text : texts.entrySet()) {
            java.util.regex.Matcher m = OUTPUT_REF.matcher(text.getValue() == null ? "" : text.getValue());
            while (m.find()) {
                if (!made.contains(m.group(1))) {
                    throw new ArgoError(text.getKey(), "'" + m.group(1) + "' is not an earlier step or task (earlier: "
                            + (made.isEmpty() ? "none" : String.join(", ", made)) + ")");
                }
                names.add(m.group(1));
            }
        }
        return names;
    }

    private List<Command.Mount> mounts(ArgoSpec.Container c, String path) {
        List<Command.Mount> mounts = new ArrayList<>();
        if (c.volumeMounts() == null) {
            return mounts;
        }
        List<String> declared = wf.spec().volumes() == null ? List.of() : wf.spec().volumes().stream().map(v -> v.name).toList();
        for (int i = 0; i < c.volumeMounts().size(); i++) {
            ArgoSpec.VolumeMount m = c.volumeMounts().get(i);
            String where = path + ".volumeMounts[" + i + "]";
            if (!declared.contains(m.name())) {
                throw new ArgoError(where + ".name", "no volume '" + m.name() + "' in spec.volumes ("
                        + (declared.isEmpty() ? "the workflow declares none" : "known: " + String.join(", ", declared)) + ")");
            }
            String host = options.volumes().get(m.name());
            if (host == null) {
                throw new ArgoError(where, "volume '" + m.name() + "' needs a directory on this machine: --volume " + m.name() + "=DIR");
            }
            mounts.add(new Command.Mount(m.subPath() == null ? host : host + "/" + m.subPath(), m.mountPath()));
        }
        return mounts;
    }

    private String workflowName() {
        ArgoSpec.Metadata m = wf.metadata();
        String name = m == null ? null : m.name() != null ? m.name()
                : m.generateName() != null ? m.generateName().replaceAll("-+$", "") : null;
        if (name == null || name.isEmpty()) {
            throw new ArgoError("metadata", "give metadata.name or metadata.generateName");
        }
        return name;
    }

    private Map<String, String> globals(String name, ArgoSpec.Arguments arguments) {
        Map<String, String> globals = new TreeMap<>();
        globals.put("workflow.name", name);
        Map<String, String> overrides = new TreeMap<>(options.parameters());
        List<ArgoSpec.Parameter> params = arguments == null || arguments.parameters() == null ? List.of() : arguments.parameters();
        for (int i = 0; i < params.size(); i++) {
            ArgoSpec.Parameter p = params.get(i);
            String value = overrides.containsKey(p.name()) ? overrides.remove(p.name()) : p.value() != null ? p.value() : p.defaultValue();
            if (value == null) {
                throw new ArgoError("spec.arguments.parameters[" + i + "]", "parameter '" + p.name() + "' has no value (give one here or with -p " + p.name() + "=VALUE)");
            }
            if (p.enumValues() != null && !p.enumValues().contains(value)) {
                throw new ArgoError("spec.arguments.parameters[" + i + "].enum", "'" + value + "' is not one of " + p.enumValues());
            }
            globals.put("workflow.parameters." + p.name(), value);
        }
        if (!overrides.isEmpty()) {
            throw new ArgoError("spec.arguments.parameters", "no parameter " + overrides.keySet() + " to set with -p");
        }
        return globals;
    }

    /** An error at a spec path; {@link ArgoWorkflows} adds the file, line and column. */
    static final class ArgoError extends SpecException {
        private static final long serialVersionUID = 1L;
        final String path;
        final String detail;

        ArgoError(String path, String detail) {
            super(path + ": " + detail);
            this.path = path;
            this.detail = detail;
        }
    }
}

package floe.argo;

import floe.SpecException;
import floe.expr.Templates;
import floe.model.Command;
import floe.model.CommandFunction;
import floe.model.TaskCompletion;
import floe.model.TaskContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The command of one task of an Argo step: the step's arguments with {@code {{item}}} filled
 * in for this task become the template's inputs; the template's container (or script) with
 * {@code {{inputs.parameters.*}}} filled in becomes argv, env and working directory.
 */
final class ArgoCommand implements CommandFunction {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stepPath;
    private final String templatePath;
    private final ArgoSpec.Step step;
    private final ArgoSpec.Template template;
    private final List<Object> items;
    private final Map<String, String> globals;
    private final List<Command.Mount> mounts;
    private final String imageDir;
    private final Set<String> loopedUpstream;
    private final ArgoDepends depends;
    private final ArgoArtifacts artifacts;

    /**
     * @param loopedUpstream the upstream stages that ran a loop: their {@code outputs.result} is a
     *     JSON list of every task's result, as Argo gives it
     */
    ArgoCommand(String stepPath, String templatePath, ArgoSpec.Step step, ArgoSpec.Template template, List<Object> items,
            Map<String, String> globals, List<Command.Mount> mounts, String imageDir, Set<String> loopedUpstream,
            ArgoDepends depends, ArgoArtifacts artifacts) {
        this.depends = depends;
        this.artifacts = artifacts;
        this.loopedUpstream = new TreeSet<>(loopedUpstream);
        this.stepPath = stepPath;
        this.templatePath = templatePath;
        this.step = step;
        this.template = template;
        this.items = new ArrayList<>(items);
        this.globals = new TreeMap<>(globals);
        this.mounts = List.copyOf(mounts);
        this.imageDir = imageDir;
    }

    @Override
    public Command resolve(TaskContext ctx) throws IOException {
        if (depends != null && !depends.holds(ctx.inputs())) {
            ctx.skip("depends '" + depends.text() + "' is false");
            return null;
        }
        String status = ctx.parameters().get(floe.model.Workflow.STATUS_PARAMETER);
        if (step.when() != null && !Templates.condition(step.when(), stepVariables(ctx.index(), ctx.inputs(), status, false), stepPath + ".when")) {
            ctx.skip("when '" + step.when() + "' is false");
            return null;
        }
        return command(ctx.index(), ctx.inputs(), status, true);
    }

    /** Checks the {@code when} of task {@code index} evaluates to true or false. */
    void checkCondition(int index, List<TaskCompletion> upstream) throws IOException {
        if (step.when() != null) {
            Templates.condition(step.when(), stepVariables(index, upstream, "Succeeded", true), stepPath + ".when");
        }
    }

    /**
     * The command of task {@code index} given what its upstream tasks reported and, in an exit
     * handler, the workflow's {@code status}; {@code materialize} false only checks it (no script file).
     */
    Command command(int index, List<TaskCompletion> upstream, String status, boolean materialize) throws IOException {
        Map<String, String> stepVars = stepVariables(index, upstream, status, !materialize);
        Map<String, String> vars = new LinkedHashMap<>(globals);
        if (status != null) {
            vars.put("workflow.status", status);
        }
        inputs(stepVars).forEach((name, value) -> vars.put("inputs.parameters." + name, value));
        ArgoSpec.Container c = template.container() != null ? template.container() : template.script();
        String kind = template.container() != null ? "container" : "script";
        List<String> argv = new ArrayList<>();
        resolveAll(c.command(), vars, templatePath + "." + kind + ".command", argv);
        resolveAll(c.args(), vars, templatePath + "." + kind + ".args", argv);
        if (c.source() != null) {
            String source = Templates.resolve(c.source(), vars, templatePath + ".script.source");
            argv.add(materialize ? scriptFile(source, index) : "<script>");
        }
        if (argv.isEmpty()) {
            throw new SpecException(templatePath + "." + kind + ": no command (Floe runs the command given; it has no image to take one from)");
        }
        Map<String, String> env = new TreeMap<>();
        if (c.env() != null) {
            for (int i = 0; i < c.env().size(); i++) {
                ArgoSpec.EnvVar e = c.env().get(i);
                env.put(e.name(), Templates.resolve(e.value() == null ? "" : e.value(), vars, templatePath + "." + kind + ".env[" + i + "].value"));
            }
        }
        String workingDir = c.workingDir() == null ? imageDir : Templates.resolve(c.workingDir(), vars, templatePath + "." + kind + ".workingDir");
        List<Command.Mount> taskMounts = new ArrayList<>(mounts);
        List<Command.OutputFile> outputFiles = new ArrayList<>();
        if (materialize) {
            outputFiles(taskMounts, outputFiles);
        }
        List<Command.Artifact> staged = artifacts.resolve(vars, taskMounts, materialize);
        return new Command(argv, env, workingDir, c.image(), taskMounts, outputFiles, staged);
    }

    /**
     * Output parameters read from files: each file the command writes is, for this task alone, a
     * fresh file of this machine mounted at its path (as a container has its own file system), so
     * tasks running side by side never read each other's outputs and nothing else is hidden.
     */
    private void outputFiles(List<Command.Mount> taskMounts, List<Command.OutputFile> outputFiles) throws IOException {
        if (template.outputs() == null || template.outputs().parameters() == null) {
            return;
        }
        Path host = Files.createTempDirectory(Command.OutputFile.SCRATCH_DIR_PREFIX);
        int n = 0;
        for (ArgoSpec.Parameter p : template.outputs().parameters()) {
            Path file = Files.createFile(host.resolve("output-" + n++));
            taskMounts.add(new Command.Mount(file.toString(), String.valueOf(p.valueFrom().get("path")), true));
            Object fallback = p.valueFrom().get("default");
            outputFiles.add(new Command.OutputFile(p.name(), file.toString(), fallback == null ? null : String.valueOf(fallback)));
        }
    }

    /** What a step's arguments and {@code when} see: the workflow's variables, the item, upstream outputs. */
    private Map<String, String> stepVariables(int index, List<TaskCompletion> upstream, String status, boolean checking) throws IOException {
        Map<String, String> stepVars = new LinkedHashMap<>(globals);
        if (status != null) {
            stepVars.put("workflow.status", status); // in an exit handler: how the workflow ended
        }
        outputs(upstream).forEach(stepVars::put);
        List<Object> items = this.items;
        if (step.withParam() != null && checking) {
            // No outputs to read yet: every item and item.FIELD the step names stands for 0.
            stepVars.put("item", "0");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{\\s*item\\.([\\w-]+)").matcher(String.valueOf(step));
            while (m.find()) {
                stepVars.put("item." + m.group(1), "0");
            }
            return stepVars;
        }
        if (step.withParam() != null) {
            items = paramItems(stepVars);
        }
        if (!items.isEmpty()) {
            Object item = items.get(index);
            if (item instanceof Map<?, ?> map) {
                map.forEach((k, v) -> stepVars.put("item." + k, String.valueOf(v)));
            } else {
                stepVars.put("item", String.valueOf(item));
            }
        }
        return stepVars;
    }

    /** How many tasks a {@code withParam} step has, given its upstream tasks' outputs. */
    int count(List<TaskCompletion> upstream) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>(globals);
        outputs(upstream).forEach(vars::put);
        return paramItems(vars).size();
    }

    /** The JSON list {@code withParam} names, each element an item (an object's fields are {@code item.KEY}). */
    private List<Object> paramItems(Map<String, String> vars) {
        String where = stepPath + ".withParam";
        String json = Templates.resolve(step.withParam(), vars, where);
        try {
            Object parsed = JSON.readValue(json, Object.class);
            if (parsed instanceof List<?> list) {
                return list.stream().map(v -> v instanceof Map ? v : (Object) Templates.format(v)).toList();
            }
        } catch (IOException e) {
            // reported below
        }
        throw new floe.SpecException(where + ": '" + (json.length() > 200 ? json.substring(0, 200) + "..." : json)
                + "' is not a JSON list");
    }

    /** {@code steps.X.outputs.result} and {@code tasks.X.outputs.result} (and exit codes) of upstream stages. */
    private Map<String, String> outputs(List<TaskCompletion> upstream) throws IOException {
        Map<String, List<TaskCompletion>> byStage = new TreeMap<>();
        for (TaskCompletion c : upstream) {
            byStage.computeIfAbsent(c.stage(), k -> new ArrayList<>()).add(c);
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (Map.Entry<String, List<TaskCompletion>> e : byStage.entrySet()) {
            List<TaskCompletion> done = e.getValue();
            done.sort(java.util.Comparator.comparingInt(TaskCompletion::index));
            Map<String, String> values = new LinkedHashMap<>();
            List<String[]> fields = new ArrayList<>(List.of(new String[] {"outputs.result", "result", ""},
                    new String[] {"exitCode", "exitCode", "0"}, new String[] {"status", "phase", "Succeeded"}));
            done.get(0).outputs().keySet().stream().filter(k -> k.startsWith("outputs.parameters."))
                    .forEach(k -> fields.add(new String[] {k, k, ""}));
            for (String[] field : fields) {
                values.put(field[0], loopedUpstream.contains(e.getKey())
                        ? JSON.writeValueAsString(done.stream().map(c -> c.outputs().getOrDefault(field[1], field[2])).toList())
                        : done.get(0).outputs().getOrDefault(field[1], field[2]));
            }
            for (String scope : List.of("steps.", "tasks.")) {
                values.forEach((field, value) -> vars.put(scope + e.getKey() + "." + field, value));
            }
        }
        return vars;
    }

    private Map<String, String> inputs(Map<String, String> stepVars) {
        Map<String, String> given = new LinkedHashMap<>();
        if (step.arguments() != null && step.arguments().parameters() != null) {
            List<ArgoSpec.Parameter> args = step.arguments().parameters();
            for (int i = 0; i < args.size(); i++) {
                ArgoSpec.Parameter p = args.get(i);
                given.put(p.name(), Templates.resolve(p.value(), stepVars, stepPath + ".arguments.parameters[" + i + "].value"));
            }
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        List<ArgoSpec.Parameter> declared = template.inputs() == null || template.inputs().parameters() == null
                ? List.of() : template.inputs().parameters();
        for (int i = 0; i < declared.size(); i++) {
            ArgoSpec.Parameter p = declared.get(i);
            String where = templatePath + ".inputs.parameters[" + i + "]";
            String value = given.containsKey(p.name()) ? given.remove(p.name())
                    : p.value() != null ? Templates.resolve(p.value(), globals, where + ".value")
                    : p.defaultValue();
            if (value == null) {
                throw new SpecException(stepPath + ".arguments: input parameter '" + p.name() + "' of template '"
                        + template.name() + "' has no value (pass it in arguments.parameters, or give it a default)");
            }
            if (p.enumValues() != null && !p.enumValues().contains(value)) {
                throw new SpecException(where + ".enum: '" + value + "' is not one of " + p.enumValues());
            }
            inputs.put(p.name(), value);
        }
        if (!given.isEmpty()) {
            throw new SpecException(stepPath + ".arguments.parameters: template '" + template.name()
                    + "' has no input parameter " + given.keySet() + " (it has " + inputs.keySet() + ")");
        }
        return inputs;
    }

    private static void resolveAll(List<String> texts, Map<String, String> vars, String where, List<String> out) {
        if (texts != null) {
            for (int i = 0; i < texts.size(); i++) {
                out.add(Templates.resolve(texts.get(i), vars, where + "[" + i + "]"));
            }
        }
    }

    private String scriptFile(String source, int index) throws IOException {
        Path file = Files.createTempFile("floe-" + template.name() + "-" + index + "-", ".script");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return file.toString();
    }
}

package floe.argo;

import floe.SpecException;
import floe.model.Command;
import floe.model.Workflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Argo Workflow -> Floe workflow, one way. The workflow-level fields (arguments, parallelism,
 * deadline, exit handler, a referenced WorkflowTemplate) are read here; the entrypoint's template
 * is expanded into stages by {@link Expansion}. Paths in errors are spec paths
 * ({@code spec.templates[0].steps[1][0].template}), prefixed {@code KEY#} for another document.
 */
final class ArgoConverter {
    private final ArgoDocuments.Doc doc;
    private final ArgoDocuments.Library library;
    private ArgoOptions options;

    ArgoConverter(ArgoDocuments.Doc doc, ArgoDocuments.Library library, ArgoOptions options) {
        this.doc = doc;
        this.library = library;
        this.options = options;
    }

    Workflow convert() throws IOException {
        String kind = doc.spec().kind();
        if (!ArgoDocuments.KINDS.contains(kind)) {
            throw new ArgoError("kind", "'" + kind + "' is not a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow");
        }
        ArgoSpec.WorkflowSpec spec = doc.spec().spec();
        String specPath = doc.specPath();
        if (spec == null) {
            throw new ArgoError(specPath, "missing");
        }
        ArgoDocuments.Home home = library.home(doc);
        ArgoSpec.WorkflowSpec base = null;
        if (spec.workflowTemplateRef() != null) {
            ArgoSpec.TemplateRef ref = spec.workflowTemplateRef();
            ArgoDocuments.Doc referenced = library.find(ref.name(), Boolean.TRUE.equals(ref.clusterScope()),
                    specPath + ".workflowTemplateRef");
            base = referenced.spec().spec();
            home = library.home(referenced);
        }
        ArgoSpec.ArtifactRepositoryRef repositoryRef = spec.artifactRepositoryRef() != null ? spec.artifactRepositoryRef()
                : base == null ? null : base.artifactRepositoryRef();
        if (repositoryRef != null) {
            options = options.withArtifacts(ArtifactRepositories.of(repositoryRef, options, library::notice,
                    specPath + ".artifactRepositoryRef"));
        }
        String name = workflowName();
        String entry = first(spec.entrypoint(), base == null ? null : base.entrypoint());
        if (entry == null) {
            throw new ArgoError(specPath + (spec.workflowTemplateRef() != null ? ".workflowTemplateRef" : ".entrypoint"),
                    "no entrypoint: name the template to run in spec.entrypoint");
        }
        List<ArgoSpec.Parameter> arguments = arguments(spec, base);
        if (options.checking() && kind.endsWith("WorkflowTemplate")) {
            arguments = standIns(arguments, home.find(entry, specPath + ".entrypoint").template(), specPath);
        }
        Map<String, String> globals = globals(name, arguments, specPath + ".arguments.parameters");
        // Argo's variables of two fields that have no other effect here (Floe runs no pods and has no queue of workflows).
        String account = first(spec.serviceAccountName(), base == null ? null : base.serviceAccountName());
        globals.put("workflow.serviceAccountName", account == null ? "" : account);
        Integer priority = spec.priority() != null ? spec.priority() : base == null ? null : base.priority();
        if (priority != null) {
            globals.put("workflow.priority", Integer.toString(priority));
        }

        globals.put("workflow.mainEntrypoint", entry);
        ArgoVariables.run(java.time.Instant.now(), java.util.UUID.randomUUID().toString(), globals);
        if ("CronWorkflow".equals(kind)) {
            // floe run runs a CronWorkflow's workflow once, now: that is its scheduled time.
            globals.putIfAbsent("workflow.scheduledTime", globals.get(ArgoVariables.CREATED));
        }
        List<ArgoSpec.Volume> volumes = new ArrayList<>();
        if (base != null && base.volumes() != null) {
            volumes.addAll(base.volumes());
        }
        if (spec.volumes() != null) {
            volumes.addAll(spec.volumes());
        }
        List<Map<String, Object>> claims = new ArrayList<>();
        if (base != null && base.volumeClaimTemplates() != null) {
            claims.addAll(base.volumeClaimTemplates());
        }
        if (spec.volumeClaimTemplates() != null) {
            claims.addAll(spec.volumeClaimTemplates());
        }
        LocalResources local = new LocalResources(volumes, claims, options,
                name + "-" + globals.get("workflow.uid").substring(0, 8), specPath + ".volumeClaimTemplates", library::notice);
        String entryPath = spec.entrypoint() != null ? specPath + ".entrypoint" : specPath + ".workflowTemplateRef";
        TemplateDefaults defaults = TemplateDefaults.of(spec, base);
        Boolean suspend = spec.suspend() != null ? spec.suspend() : base == null ? null : base.suspend();
        Expansion main = new Expansion(name, home, library, options, local, globals, false).withDefaults(defaults)
                .withArtifacts(argumentArtifacts(spec, base, specPath + ".arguments.artifacts", globals))
                .suspendedAtStart(Boolean.TRUE.equals(suspend));
        Workflow.Builder out = main.run(entry, entryPath, arguments, specPath + ".arguments.parameters");
        // Argo's spec.suspend set while it runs (argo suspend): this file, in the run's directory of suspended tasks, holds it.
        String hold = floe.exec.Suspensions.holdFile(options.suspendDir() + "/" + local.run()).toString();
        out.hold(hold);
        ArgoSpec.Synchronization sync = spec.synchronization() != null ? spec.synchronization() : base == null ? null : base.synchronization();
        if (sync != null) {
            out.locks(ArgoLocks.of(sync, specPath + ".synchronization", globals.get("workflow.namespace"), options, library::notice)
                    .resolve(globals));
        }
        Integer parallelism = spec.parallelism() != null ? spec.parallelism() : base == null ? null : base.parallelism();
        if (parallelism != null) {
            if (parallelism < 1) {
                throw new ArgoError(specPath + ".parallelism", "must be at least 1, got " + parallelism);
            }
            out.parallelism(parallelism);
        }
        String deadline = first(spec.activeDeadlineSeconds(), base == null ? null : base.activeDeadlineSeconds());
        if (deadline != null) {
            out.deadline(Quantities.duration(deadline, specPath + ".activeDeadlineSeconds"));
        }
        String onExit = first(spec.onExit(), base == null ? null : base.onExit());
        Map<String, ArgoSpec.LifecycleHook> hooks = spec.hooks() != null ? spec.hooks() : base == null ? null : base.hooks();
        if (onExit != null || hooks != null) {
            // The exit handler runs last, after a success or a failure: it removes the run's directories.
            String kept = null;
            if (!main.globalOutputNames().isEmpty()) {
                kept = local.useRunRoot() + "/global-outputs";
                main.keepGlobalOutputs(kept);
            }
            Expansion handler = new Expansion(name + "-onexit", home, library, options, local, globals, true).withDefaults(defaults)
                    .withPublishedGlobals(kept, main.globalOutputNames());
            Workflow.Builder exit = hooks == null ? handler.run(onExit, specPath + ".onExit", List.of(), specPath + ".onExit")
                    : handler.runHooks(hooks, onExit, specPath + ".hooks", specPath + ".onExit");
            main.finish(null);
            handler.finish(local.runRoot());
            out.onExit(exit.hold(hold).build());
        } else {
            main.finish(local.runRoot());
        }
        return out.build();
    }

    /**
     * A WorkflowTemplate checked on its own, as Argo's lint checks one: the workflow that uses it
     * gives the values of its arguments, of its entrypoint's inputs and of the
     * {@code workflow.parameters} its templates name, so each one missing stands in as
     * {@code <NAME>}, with a notice.
     */
    private List<ArgoSpec.Parameter> standIns(List<ArgoSpec.Parameter> arguments, ArgoSpec.Template entry, String specPath) {
        Map<String, ArgoSpec.Parameter> byName = new LinkedHashMap<>();
        for (int i = 0; i < arguments.size(); i++) {
            ArgoSpec.Parameter p = arguments.get(i);
            boolean valued = p.value() != null || p.defaultValue() != null || p.valueFrom() != null
                    || options.parameters().containsKey(p.name());
            if (!valued) {
                library.notice(specPath + ".arguments.parameters[" + i + "]", "no value: the workflow that uses this template gives it"
                        + " (to run the template itself: -p " + p.name() + "=VALUE)");
                p = p.withValue("<" + p.name() + ">");
            }
            byName.put(p.name(), p);
        }
        List<ArgoSpec.Parameter> inputs = entry.inputs() == null || entry.inputs().parameters() == null
                ? List.of() : entry.inputs().parameters();
        for (ArgoSpec.Parameter p : inputs) {
            if (!byName.containsKey(p.name()) && p.value() == null && p.defaultValue() == null && p.valueFrom() == null
                    && !options.parameters().containsKey(p.name())) {
                library.notice(specPath + ".entrypoint", "input parameter '" + p.name() + "' of template '" + entry.name()
                        + "' has no value: the workflow that uses this template gives it (to run the template itself: -p "
                        + p.name() + "=VALUE)");
                byName.put(p.name(), new ArgoSpec.Parameter(p.name(), "<" + p.name() + ">", null, null, null, null, null));
            }
        }
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("workflow\\.parameters\\.([A-Za-z0-9_-]+)")
                .matcher(String.valueOf(doc.spec().spec()));
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        while (named.find()) {
            String name = named.group(1);
            if (!name.equals("json") && !byName.containsKey(name) && !options.parameters().containsKey(name)) {
                unknown.add(name);
                byName.put(name, new ArgoSpec.Parameter(name, "<" + name + ">", null, null, null, null, null));
            }
        }
        if (!unknown.isEmpty()) {
            library.notice(specPath, "workflow.parameters." + String.join(", workflow.parameters.", unknown)
                    + ": not among its arguments: the workflow that uses this template gives them");
        }
        return new ArrayList<>(byName.values());
    }

    /** The workflow's argument artifacts (over those of the WorkflowTemplate it runs), by name, as location texts. */
    private Map<String, String> argumentArtifacts(ArgoSpec.WorkflowSpec spec, ArgoSpec.WorkflowSpec base, String path,
            Map<String, String> globals) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ArgoSpec.WorkflowSpec s : new ArgoSpec.WorkflowSpec[] {base, spec}) {
            List<ArgoSpec.Artifact> arts = s == null || s.arguments() == null || s.arguments().artifacts() == null
                    ? List.of() : s.arguments().artifacts();
            for (int i = 0; i < arts.size(); i++) {
                ArgoSpec.Artifact a = arts.get(i);
                String where = path + "[" + i + "]";
                if (a.from() != null || a.fromExpression() != null) {
                    throw new ArgoError(where + (a.from() != null ? ".from" : ".fromExpression"), "a workflow's arguments come from no earlier step: give oss, s3, http, git or raw");
                }
                if (a.s3() != null) {
                    S3Options.noticeUngiven(options.artifacts(), library::notice, where + ".s3", a.s3().accessKeySecret(),
                            a.s3().secretKeySecret(), a.s3().sessionTokenSecret());
                }
                ArtifactLocation location = ArtifactLocation.of(a, where, globals, options.artifacts());
                if (location == null) {
                    throw new ArgoError(where, "artifact '" + a.name() + "' gives no source: give oss, s3, http, git or raw");
                }
                out.put(a.name(), location.text());
            }
        }
        return out;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** The workflow's arguments over those of the WorkflowTemplate it runs, by name, as Argo merges them. */
    private static List<ArgoSpec.Parameter> arguments(ArgoSpec.WorkflowSpec spec, ArgoSpec.WorkflowSpec base) {
        Map<String, ArgoSpec.Parameter> byName = new LinkedHashMap<>();
        for (ArgoSpec.WorkflowSpec s : new ArgoSpec.WorkflowSpec[] {base, spec}) {
            if (s != null && s.arguments() != null && s.arguments().parameters() != null) {
                s.arguments().parameters().forEach(p -> byName.put(p.name(), p));
            }
        }
        return new ArrayList<>(byName.values());
    }

    private String workflowName() {
        ArgoSpec.Metadata m = doc.spec().metadata();
        String name = m == null ? null : m.name() != null ? m.name()
                : m.generateName() != null ? m.generateName().replaceAll("-+$", "") : null;
        if (name == null || name.isEmpty()) {
            throw new ArgoError("metadata", "give metadata.name or metadata.generateName");
        }
        return name;
    }

    private Map<String, String> globals(String name, List<ArgoSpec.Parameter> params, String path) {
        Map<String, String> globals = new TreeMap<>();
        globals.put("workflow.name", name);
        ArgoSpec.Metadata m = doc.spec().metadata();
        globals.put("workflow.namespace", m == null || m.namespace() == null ? "default" : m.namespace());
        Map<String, String> labels = m == null || m.labels() == null ? Map.of() : new TreeMap<>(m.labels());
        Map<String, String> annotations = m == null || m.annotations() == null ? Map.of() : new TreeMap<>(m.annotations());
        labels.forEach((k, v) -> globals.put("workflow.labels." + k, v));
        annotations.forEach((k, v) -> globals.put("workflow.annotations." + k, v));
        globals.put("workflow.labels.json", ArgoScope.json(labels));
        globals.put("workflow.annotations.json", ArgoScope.json(annotations));
        if (annotations.containsKey("workflows.argoproj.io/scheduled-time")) {
            globals.put("workflow.scheduledTime", annotations.get("workflows.argoproj.io/scheduled-time"));
        }
        Map<String, String> overrides = new TreeMap<>(options.parameters());
        List<String> all = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            ArgoSpec.Parameter p = params.get(i);
            boolean fromConfigMap = p.valueFrom() != null && p.valueFrom().get("configMapKeyRef") != null;
            // As in Argo, a config map's value comes before the parameter's default, which stands in when the key is missing.
            String value = overrides.containsKey(p.name()) ? overrides.remove(p.name()) : p.value() != null ? p.value()
                    : fromConfigMap ? LocalResources.configMapParameter(options, library::notice, p, path + "[" + i + "].valueFrom")
                    : p.defaultValue();
            if (value == null && p.valueFrom() != null) {
                throw new ArgoError(path + "[" + i + "].valueFrom", "parameter '" + p.name()
                        + "' takes its value from a config map or an event, which Floe cannot read: give it with -p "
                        + p.name() + "=VALUE");
            }
            if (value == null) {
                throw new ArgoError(path + "[" + i + "]", "parameter '" + p.name() + "' has no value (give one here or with -p " + p.name() + "=VALUE)");
            }
            if (p.enumValues() != null && !p.enumValues().contains(value)) {
                throw new ArgoError(path + "[" + i + "].enum", "'" + value + "' is not one of " + p.enumValues());
            }
            globals.put("workflow.parameters." + p.name(), value);
            all.add(p.name());
        }
        if (!overrides.isEmpty()) {
            throw new ArgoError(path, "no parameter " + overrides.keySet() + " to set with -p");
        }
        Map<String, String> json = new LinkedHashMap<>();
        all.forEach(n -> json.put(n, globals.get("workflow.parameters." + n)));
        globals.put("workflow.parameters.json", globals.getOrDefault("workflow.parameters.json", ArgoScope.json(
                json.entrySet().stream().map(e -> {
                    Map<String, String> one = new LinkedHashMap<>();
                    one.put("name", e.getKey());
                    one.put("value", e.getValue());
                    return one;
                }).toList())));
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

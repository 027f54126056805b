package floe.argo;

import floe.SpecException;
import floe.expr.Templates;
import floe.model.Command;
import floe.model.CommandFunction;
import floe.model.TaskCompletion;
import floe.model.TaskContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command of one task of a leaf stage: its chain of calls from the entrypoint is walked
 * ({@link ArgoScope}) to the inputs of the container or script template it runs, whose
 * {@code {{inputs.parameters.*}}} then fill in argv, env and working directory.
 */
final class ArgoCommand implements CommandFunction {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArgoCommand.class);

    private final List<CallTree.Call> chain;
    private final Map<String, String> base;
    /** When the run was created, read from {@link #base} once (every task tells its duration). */
    private transient volatile java.time.Instant created;
    private final List<Command.Mount> mounts;
    private final String imageDir;
    private final ArgoArtifacts artifacts;
    private final int recursionLimit;
    private final List<String> entrypoint;
    private final List<Command.Mount> perTask;
    private final List<String> made;
    private final Map<String, LocalResources.EnvSource> envSources;
    private final PodContainers pod;
    private String memoizeDir;
    private ArgoLocks locks = ArgoLocks.none();
    /** The daemon a task's command is (null: a command run to its end). */
    private ArgoDaemon daemon;
    /** The container set whose main container this command is (null: a lone container or script). */
    private ArgoContainerSet containerSet;
    /** What a resource template does instead of a command (null for a container or script template). */
    private ArgoResource resource;
    /** For an http or suspend template: what it does instead of running a container (null for a container or script). */
    private ArgoActions action;
    private java.time.Duration memoMaxAge;
    /**
     * The global outputs this task reads ({@code workflow.outputs.parameters.NAME},
     * {@code workflow.outputs.artifacts.NAME}): {@code parameters.NAME} or {@code artifacts.NAME} -> [stage, output].
     */
    private Map<String, List<String>> globals = Map.of();
    private String publishedDir;
    private java.util.Set<String> published = java.util.Set.of();

    /**
     * @param entrypoint the program standing in for the image's entrypoint, for a container with
     *     no command (null when it has one)
     * @param envSources env vars whose value comes from a secret or config map, by name
     * @param pod the template's init containers and sidecars
     */
    ArgoCommand(List<CallTree.Call> chain, Map<String, String> base, LocalResources.Mounts mounts, String imageDir,
            ArgoArtifacts artifacts, int recursionLimit, List<String> entrypoint, Map<String, LocalResources.EnvSource> envSources,
            PodContainers pod) {
        this.pod = pod;
        this.entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        this.perTask = List.copyOf(mounts.perTask());
        this.made = List.copyOf(mounts.made());
        this.envSources = new TreeMap<>(envSources);
        this.chain = List.copyOf(chain);
        this.base = new TreeMap<>(base);
        this.mounts = List.copyOf(mounts.fixed());
        this.imageDir = imageDir;
        this.artifacts = artifacts;
        this.recursionLimit = recursionLimit;
    }

    /** This command as the main container of {@code set} (null: a lone container or script). */
    ArgoCommand containerSet(ArgoContainerSet set) {
        this.containerSet = set;
        return this;
    }

    /** This command as a daemon's, as {@code newDaemon} says (null: run to its end). */
    ArgoCommand daemon(ArgoDaemon newDaemon) {
        this.daemon = newDaemon;
        return this;
    }

    /**
     * This command with its template's memoization cache kept under {@code dir} (null: none); the
     * cache's name and {@code maxAge} are checked now.
     */
    ArgoCommand memoized(String dir) {
        this.memoizeDir = dir;
        if (dir != null) {
            memoCache();
            String maxAge = leaf().template.memoize().maxAge();
            memoMaxAge = maxAge == null ? null : Quantities.duration(maxAge, leaf().templatePath + ".memoize.maxAge");
        }
        return this;
    }

    /** This command doing {@code newAction} (an http or suspend template's) instead of running a container. */
    ArgoCommand acting(ArgoActions newAction) {
        this.action = newAction;
        return this;
    }

    /** This command holding {@code locks} (its template's synchronization) while each attempt runs. */
    ArgoCommand locked(ArgoLocks newLocks) {
        this.locks = newLocks;
        return this;
    }

    /** This task acting on a Kubernetes object (a resource template's) instead of running a command. */
    ArgoCommand resource(ArgoResource action) {
        this.resource = action;
        return this;
    }

    /**
     * This command, in the exit handler, reading the global outputs {@code names} the workflow's
     * run kept in {@code dir} ({@link GlobalOutputs}).
     */
    ArgoCommand published(String dir, java.util.Set<String> names) {
        this.publishedDir = dir;
        this.published = new java.util.TreeSet<>(names);
        return this;
    }

    /** This command reading the global outputs {@code read} (name -> [stage, output parameter]) from its upstream tasks. */
    ArgoCommand globals(Map<String, List<String>> read) {
        this.globals = new TreeMap<>(read);
        return this;
    }

    /**
     * The global outputs as the task sees them: each the value its step's last task set (in Argo,
     * the last writer wins).
     */
    private void globalOutputs(List<TaskCompletion> upstream, Map<String, String> extra, boolean checking) throws IOException {
        GlobalOutputs.values(globals, upstream).forEach((name, value) -> extra.put("workflow.outputs." + name, value));
        for (String name : published) {
            String value = checking ? "<workflow.outputs." + name + ">" : GlobalOutputs.read(publishedDir, name);
            if (value != null) {
                extra.put("workflow.outputs." + name, value);
            }
        }
    }

    private CallTree.Call leaf() {
        return chain.get(chain.size() - 1);
    }

    private ArgoScope scope() {
        return new ArgoScope(chain, base, artifacts.repository());
    }

    @Override
    public Command resolve(TaskContext ctx) throws IOException, InterruptedException {
        Map<String, String> extra = new LinkedHashMap<>(extra(ctx.parameters().get(floe.model.Workflow.STATUS_PARAMETER),
                ctx.parameters().get(floe.model.Workflow.FAILURES_PARAMETER)));
        if (created == null && base.containsKey(ArgoVariables.CREATED)) {
            created = ArgoVariables.created(base);
        }
        extra.put("workflow.duration", ArgoVariables.duration(created, java.time.Instant.now()));
        globalOutputs(ctx.inputs(), extra, false);
        extra.put("retries", Integer.toString(ctx.attempt() - 1));
        String node = base.get("workflow.name") + "-" + ctx.stage().replace('.', '-') + "-" + ctx.index();
        extra.put("pod.name", node);
        extra.put("node.name", node);
        ArgoScope.Outcome outcome = scope().walk(ctx.index(), new ArgoScope.Done(ctx.inputs()), extra, false);
        if (outcome.skipped() != null) {
            ctx.skip(outcome.skipped());
            skippedOutputs(ctx);
            return null;
        }
        if (memoizeDir != null) {
            String key = memoKey(outcome.vars());
            Map<String, String> kept = memoCache().read(key, memoMaxAge, leaf().templatePath + ".memoize");
            if (kept != null) {
                kept.forEach(ctx::output); // Argo's memoization hit: the outputs of the run that kept them, nothing runs
                LOG.info("stage '{}' task {}: memoized: outputs of key '{}' from the cache, not run", ctx.stage(), ctx.index(), key);
                return null;
            }
            ctx.output(MEMO_KEY, key);
        }
        if (resource != null) {
            resource.run(ctx, outcome.vars()); // the task's work is done here: its outputs are reported, no command runs
            return null;
        }
        return command(ctx.index(), outcome.vars(), ctx.stage() + "." + ctx.index() + "." + ctx.attempt());
    }

    /** The output naming the memoization key an attempt's outputs are kept under once it succeeds. */
    private static final String MEMO_KEY = "memoizationKey";

    private String memoKey(Map<String, String> vars) {
        if (leaf().template.memoize().key() == null) {
            throw new SpecException(leaf().templatePath + ".memoize: give the key its outputs are kept under");
        }
        return Templates.resolve(leaf().template.memoize().key(), vars, leaf().templatePath + ".memoize.key");
    }

    private MemoCache memoCache() {
        ArgoSpec.Memoize memo = leaf().template.memoize();
        Object configMap = memo.cache() == null ? null : memo.cache().get("configMap");
        Object name = configMap instanceof Map<?, ?> m ? m.get("name") : null;
        return new MemoCache(memoizeDir, name == null ? null : String.valueOf(name), leaf().templatePath + ".memoize");
    }

    /** A memoized template's outputs are kept once it succeeded, as Argo keeps those of a succeeded node. */
    @Override
    public void succeeded(TaskContext ctx) throws IOException {
        String key = ctx.outputs().get(MEMO_KEY);
        if (memoizeDir != null && key != null) {
            memoCache().write(key, base.get("workflow.name") + "-" + ctx.stage() + "-" + ctx.index(), ctx.outcome(),
                    leaf().templatePath + ".memoize");
        }
    }

    /** A skipped task's output parameters take their {@code valueFrom.default}, as in Argo. */
    private void skippedOutputs(TaskContext ctx) {
        ArgoSpec.Template t = leaf().template;
        if (t == null || t.outputs() == null || t.outputs().parameters() == null) {
            return;
        }
        for (ArgoSpec.Parameter p : t.outputs().parameters()) {
            Object fallback = p.valueFrom() == null ? null : p.valueFrom().get("default");
            if (fallback != null) {
                ctx.outputParameter(p.name(), String.valueOf(fallback));
            }
        }
    }

    private static Map<String, String> extra(String status) {
        return extra(status, null);
    }

    /**
     * {@code workflow.status}: {@code Running} while the workflow runs; in its exit handler how it
     * ended, with {@code workflow.failures}.
     */
    static Map<String, String> extra(String status, String failures) {
        if (status == null) {
            return Map.of("workflow.status", "Running"); // as Argo has it while the workflow runs
        }
        // Argo hands the failures over as a quoted JSON text, and "null" (quoted) when none failed.
        String quoted = failures == null ? "\"null\"" : ArgoScope.json(failures);
        return Map.of("workflow.status", status, "workflow.failures", quoted);
    }

    /**
     * Checks task {@code index} as lint does: given placeholder completions of its upstream tasks,
     * its chain and command resolve (no script file is written).
     */
    void check(int index, List<TaskCompletion> upstream, String status) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>(extra(status));
        extra.put("workflow.duration", "0");
        globalOutputs(upstream, extra, true);
        extra.put("retries", "0");
        extra.put("pod.name", base.get("workflow.name") + "-" + leaf().name + "-" + index);
        extra.put("node.name", base.get("workflow.name") + "-" + leaf().name + "-" + index);
        ArgoScope.Outcome outcome = scope().walk(index, new ArgoScope.Done(upstream), extra, true);
        if (outcome.skipped() == null && resource != null) {
            resource.check(outcome.vars());
        } else if (outcome.skipped() == null) {
            command(index, outcome.vars(), null);
            String key = memoizeDir == null ? null : memoKey(outcome.vars());
            if (key != null && !Expansion.OUTPUT_REF.matcher(leaf().template.memoize().key()).find()) {
                memoCache().check(key, leaf().templatePath + ".memoize"); // known before the run: checked now
            }
        }
    }

    /** The leaf template's command line as written: the entrypoint, command and args, and the script's interpreter. */
    @Override
    public String describe() {
        CallTree.Call leaf = leaf();
        if (leaf.tooDeep > 0) {
            return "(fails: deeper than " + recursionLimit + " levels of " + leaf.template.name() + ")";
        }
        if (resource != null) {
            return resource.describe();
        }
        if (action != null) {
            return action.describe();
        }
        ArgoSpec.Container c = leaf.template.main();
        List<String> argv = new ArrayList<>();
        if (entrypoint != null) {
            argv.addAll(entrypoint);
        }
        if (c.command() != null) {
            argv.addAll(c.command());
        }
        if (c.args() != null) {
            argv.addAll(c.args());
        }
        if (c.source() != null) {
            argv.add("<script of " + leaf.template.name() + ">");
        }
        return quoted(argv) + pod.describe() + (containerSet == null ? "" : containerSet.describe());
    }

    /** A command line as a shell would take it: arguments with spaces or quotes quoted. */
    static String quoted(List<String> argv) {
        return String.join(" ", argv.stream().map(a -> a.isEmpty() || a.matches("(?s).*[\\s'\"].*") ? "'" + a.replace("'", "'\\''") + "'" : a).toList());
    }

    /** How many tasks a {@code withParam} leaf has, given its upstream tasks' outputs. */
    int count(List<TaskCompletion> upstream) {
        return scope().dynamicItems(new ArgoScope.Done(upstream), Map.of()).size();
    }

    /**
     * The command given the leaf template's variables, for the attempt {@code attempt} names
     * ({@code STAGE.INDEX.ATTEMPT}); null only checks it (no file or directory is made, no secret read).
     */
    private Command command(int index, Map<String, String> vars, String attempt) throws IOException {
        boolean materialize = attempt != null;
        vars = new LinkedHashMap<>(vars);
        artifacts.pathVariables(vars);
        CallTree.Call leaf = leaf();
        if (leaf.template.outputs() != null && leaf.template.outputs().parameters() != null) {
            for (ArgoSpec.Parameter p : leaf.template.outputs().parameters()) {
                if (p.valueFrom() != null && p.valueFrom().get("path") != null) {
                    vars.put("outputs.parameters." + p.name() + ".path", String.valueOf(p.valueFrom().get("path")));
                }
            }
        }
        if (leaf.tooDeep > 0) {
            throw new SpecException(leaf.stepPath + ": template '" + leaf.template.name() + "' calls itself more than "
                    + recursionLimit + " levels deep (floe.argo.max-recursion-depth)");
        }
        if (action != null) {
            Command done = action.command(index, vars);
            return done.withLocks(locks.resolve(vars));
        }
        ArgoSpec.Template template = leaf.template;
        String templatePath = leaf.templatePath;
        ArgoSpec.Container c = template.main();
        String where = template.containerSet() != null ? ArgoContainerSet.mainPath(template, templatePath)
                : templatePath + "." + template.kind();
        List<String> argv = argv(entrypoint, c, vars, where);
        if (c.source() != null) {
            String source = Templates.resolve(c.source(), vars, templatePath + ".script.source");
            argv.add(materialize ? scriptFile(template.name(), source, index) : "<script>");
        }
        if (argv.isEmpty()) {
            throw new SpecException(where + ": no command (Floe runs the command given; it has no image to take one from)");
        }
        Map<String, String> env = env(c, envSources, vars, where, materialize);
        String workingDir = workingDir(c, imageDir, vars, where);
        List<Command.Mount> taskMounts = mounts(new LocalResources.Mounts(mounts, perTask, made), attempt);
        ArgoArtifacts.Staged staged = artifacts.resolve(vars, taskMounts, materialize);
        List<Command.OutputFile> outputFiles = new ArrayList<>();
        if (materialize) {
            outputFiles(template, taskMounts, outputFiles, staged.overlays());
        }
        taskMounts.addAll(staged.mounts());
        Command own = new Command(argv, env, workingDir, c.image(), taskMounts, outputFiles, staged.artifacts())
                .withInit(pod.init(vars, attempt)).withSidecars(pod.sidecars(vars, attempt)).withLocks(locks.resolve(vars))
                .withDaemon(daemon == null ? null : daemon.resolve(index, vars));
        return containerSet == null ? own : own.withContainerSet(containerSet.resolve(vars, attempt, own));
    }

    /** A container's argv: the program standing in for its image's entrypoint (or null), its command and its args. */
    static List<String> argv(List<String> entrypoint, ArgoSpec.Container c, Map<String, String> vars, String where) {
        List<String> argv = new ArrayList<>();
        if (entrypoint != null) {
            argv.addAll(entrypoint);
        }
        resolveAll(c.command(), vars, where + ".command", argv);
        resolveAll(c.args(), vars, where + ".args", argv);
        return argv;
    }

    /**
     * A container's environment: values resolved, and those from a secret's key read when
     * {@code materialize} (the attempt starts), never while checking.
     */
    static Map<String, String> env(ArgoSpec.Container c, Map<String, LocalResources.EnvSource> envSources, Map<String, String> vars,
            String where, boolean materialize) throws IOException {
        Map<String, String> env = new TreeMap<>();
        if (c.env() == null) {
            return env;
        }
        for (int i = 0; i < c.env().size(); i++) {
            ArgoSpec.EnvVar e = c.env().get(i);
            LocalResources.EnvSource source = envSources.get(e.name());
            if (source == null) {
                env.put(e.name(), Templates.resolve(e.value() == null ? "" : e.value(), vars, where + ".env[" + i + "].value"));
            } else if (source.file() == null) {
                if (source.value() != null) {
                    env.put(e.name(), source.value());
                }
            } else if (materialize) {
                String secret = secret(source, where + ".env[" + i + "].valueFrom.secretKeyRef");
                if (secret != null) {
                    env.put(e.name(), secret);
                }
            }
        }
        return env;
    }

    static String workingDir(ArgoSpec.Container c, String imageDir, Map<String, String> vars, String where) {
        return c.workingDir() == null ? imageDir : Templates.resolve(c.workingDir(), vars, where + ".workingDir");
    }

    /**
     * A container's mounts for the attempt {@code attempt} names (null: only checking, nothing is
     * made): a run's claims are made when a task first mounts them; an empty directory is the
     * attempt's own, the same for every container of the task.
     */
    static List<Command.Mount> mounts(LocalResources.Mounts m, String attempt) throws IOException {
        List<Command.Mount> taskMounts = new ArrayList<>(m.fixed());
        if (attempt != null) {
            for (String dir : m.made()) {
                Files.createDirectories(Path.of(dir));
            }
            for (Command.Mount mount : m.perTask()) {
                Path dir = Files.createDirectories(Path.of(mount.hostDir(), attempt));
                taskMounts.add(new Command.Mount(dir.toString(), mount.path()));
            }
        }
        return taskMounts;
    }

    /**
     * Output parameters read from files: each file the command writes is, for this task alone, a
     * fresh file of this machine mounted at its path (as a container has its own file system), so
     * tasks running side by side never read each other's outputs and nothing else is hidden. A
     * path inside a mounted volume is read from the volume instead: there the command's file is
     * the volume's file.
     */
    private void outputFiles(ArgoSpec.Template template, List<Command.Mount> taskMounts, List<Command.OutputFile> outputFiles,
            Map<String, String> overlays) throws IOException {
        if (template.outputs() == null || template.outputs().parameters() == null) {
            return;
        }
        Path host = null;
        int n = 0;
        for (ArgoSpec.Parameter p : template.outputs().parameters()) {
            String path = String.valueOf(p.valueFrom().get("path"));
            Object fallback = p.valueFrom().get("default");
            // On a volume (an emptyDir too: the attempt's directory), where every container of the pod writes it.
            String onVolume = ArgoArtifacts.onVolume(path, taskMounts);
            if (onVolume == null) {
                // Inside a directory an artifact keeps apart: the command's file is in the overlay.
                onVolume = ArgoArtifacts.inOverlay(path, overlays);
            }
            if (onVolume != null) {
                outputFiles.add(new Command.OutputFile(p.name(), onVolume, fallback == null ? null : String.valueOf(fallback)));
                continue;
            }
            if (host == null) {
                host = Files.createTempDirectory(Command.OutputFile.SCRATCH_DIR_PREFIX);
            }
            Path file = Files.createFile(host.resolve("output-" + n++));
            taskMounts.add(new Command.Mount(file.toString(), path, true));
            outputFiles.add(new Command.OutputFile(p.name(), file.toString(), fallback == null ? null : String.valueOf(fallback)));
        }
    }

    /** A secret's value, read from its file when the task starts; never logged, and not put in any message. */
    private static String secret(LocalResources.EnvSource source, String where) throws IOException {
        Path file = Path.of(source.file());
        if (!Files.isRegularFile(file)) {
            if (source.optional()) {
                return null;
            }
            throw new SpecException(where + ": env '" + source.name() + "': the secret has no key '" + file.getFileName() + "'");
        }
        return Files.readString(file, StandardCharsets.UTF_8); // the key's bytes, as Kubernetes gives them
    }

    private static void resolveAll(List<String> texts, Map<String, String> vars, String where, List<String> out) {
        if (texts != null) {
            for (int i = 0; i < texts.size(); i++) {
                out.add(Templates.resolve(texts.get(i), vars, where + "[" + i + "]"));
            }
        }
    }

    /** A script's source as a file its interpreter runs; executable, as Argo writes it (mode 0755). */
    private static String scriptFile(String template, String source, int index) throws IOException {
        Path file = Files.createTempFile("floe-" + template + "-" + index + "-", ".script",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(file, source, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return file.toString();
    }

}

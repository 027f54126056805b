package floe.jobs.cli;

import floe.SpecException;
import floe.compile.Plan;
import floe.connectors.merge.Manifest;
import floe.jobs.Layout;
import floe.jobs.TreeMerge;
import floe.jobs.TreeMergeSpec;
import floe.jobs.spec.ShippedSpec;
import floe.jobs.submit.SubmitOptions;
import floe.jobs.submit.SubmitTarget;
import floe.jobs.submit.Submission;
import floe.jobs.submit.Submitter;
import floe.model.Workflow;
import floe.run.ExitHandlers;
import floe.run.FloeOptions;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.TerminalProgress;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code floe submit [--target rest] [--rest URL] FILE|tree-merge ARGS...}: a workflow or the tree
 * merge to a running Flink cluster, followed until it ends. The job is checked here first (the
 * same checks as {@code floe run} and {@code floe tree-merge}), so bad input fails before
 * anything is sent.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a workflow file or the tree merge to a running Flink cluster and follow it to its end"
                + " (exit 0 only if it succeeded). Options of submit come before FILE or tree-merge; what follows"
                + " are the options of floe run FILE or floe tree-merge.",
                "The REST target's Authorization header, if the cluster asks for one, comes from FLOE_REST_AUTHORIZATION."})
final class SubmitCommand implements Callable<Integer> {
    static final String AUTHORIZATION_ENV = "FLOE_REST_AUTHORIZATION";

    @Option(names = "--target", defaultValue = "rest", paramLabel = "TARGET",
            description = "Where the job goes: rest (a running cluster's REST API; default), kubernetes-session, kubernetes-application.")
    String target;

    @Option(names = "--rest", paramLabel = "URL",
            description = "The cluster's REST address, e.g. http://127.0.0.1:8081 (default: rest.address and rest.port of FLINK_CONF_DIR's config, else 127.0.0.1:8081).")
    URI rest;

    @Option(names = "--jar", paramLabel = "JAR", description = "The jobs jar to run (default: the floe-jobs.jar this command runs from).")
    java.nio.file.Path jar;

    @Option(names = "--detach", description = "Return once the job is submitted, printing its id (follow it with floe status).")
    boolean detach;

    @Mixin
    FlinkConfig flink;

    @Parameters(index = "0", paramLabel = "FILE|tree-merge", description = "An Argo workflow file or Batch directory, or tree-merge.")
    String what;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The options of floe run FILE or floe tree-merge.")
    List<String> args = new ArrayList<>();

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SubmitTarget where = SubmitTarget.named(target);
        if (where != SubmitTarget.REST) {
            return kubernetes(where, out);
        }
        Configuration conf = flink.load();
        SubmitOptions options = new SubmitOptions(Optional.ofNullable(rest), Optional.ofNullable(System.getenv(AUTHORIZATION_ENV))
                .filter(a -> !a.isBlank()), conf);
        Submitter submitter = where.submitter(options);
        Job job = "tree-merge".equals(what) ? treeMerge(conf) : workflowFile(conf);
        Workflow workflow = job.workflow();
        if (workflow.onExit() == null) {
            submit(submitter, workflow, job.programArgs(), conf, out).ifPresent(r -> job.output().ifPresent(dir -> printManifest(dir, out)));
            return 0;
        }
        if (detach) {
            throw new SpecException(what + ": workflow '" + workflow.name() + "' has an exit handler (onExit), which runs after"
                    + " the workflow ends; submit it without --detach");
        }
        // The cluster runs each submitted program detached, one job each: the workflow goes first,
        // then its exit handler as a job of its own once this client has seen how the workflow ended.
        ExitHandlers.run(workflow,
                main -> submit(submitter, main, with(job.programArgs(), "--without-exit-handler"), conf, out).orElseThrow(),
                (handler, status) -> submit(submitter, handler, handlerArgs(job.programArgs(), handler, status), conf, out)
                        .orElseThrow());
        return 0;
    }

    /** Submits one job and follows it (unless detached), printing its plan and its figures. */
    private Optional<RunResult> submit(Submitter submitter, Workflow workflow, List<String> jobArgs, Configuration conf,
            PrintWriter out) {
        List<String> programArgs = new ArrayList<>(jobArgs);
        // Settings go along to the job, except the client's own TLS material and anything secret:
        // program arguments are shown by the cluster.
        flink.settings.forEach((k, v) -> {
            if (!k.startsWith("security.") && !GlobalConfiguration.isSensitive(k)) {
                programArgs.addAll(List.of("-D", k + "=" + v));
            }
        });
        Plan plan = FloeOptions.compiler(conf).plan(workflow);
        out.print(plan.describe());
        out.flush();
        ProgressListener progress = conf.get(FloeOptions.PROGRESS) ? TerminalProgress.onStderr(SuspendedNotes.of(conf, workflow.name()))
                : ProgressListener.none();
        Optional<RunResult> result = submitter.submit(new Submission(jobsJar(), programArgs, plan, conf, detach, out, progress));
        result.ifPresent(r -> WorkflowLauncher.printResult(r, out));
        return result;
    }

    /** The arguments of the exit handler's job: how the workflow ended, and what failed ({@code {{workflow.failures}}}). */
    private static List<String> handlerArgs(List<String> args, floe.model.Workflow handler, String status) {
        String failures = handler.parameters().get(floe.model.Workflow.FAILURES_PARAMETER);
        return failures == null ? with(args, "--exit-handler-after", status)
                : with(args, "--exit-handler-after", status, "--exit-handler-failures", failures);
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * Kubernetes (native mode): Flink's Kubernetes client deploys the cluster, so no jar goes over
     * REST. What follows FILE are the options of {@link KubernetesSubmitCommand}.
     */
    private int kubernetes(SubmitTarget where, PrintWriter out) {
        if (rest != null || jar != null || detach) {
            throw new SpecException("--target " + where.label() + ": --rest, --jar and --detach are for --target rest;"
                    + " the cluster comes from conf/kubernetes and the jar from the image");
        }
        if ("tree-merge".equals(what)) {
            throw new SpecException("--target " + where.label() + ": submits workflow files; run the tree merge on Kubernetes"
                    + " as the reference Argo workflow (conf/examples/process-data/process-data.yaml)");
        }
        List<String> all = new ArrayList<>(List.of("--target", where.label()));
        flink.settings.forEach((k, v) -> all.addAll(List.of("-D", k + "=" + v)));
        all.add(what);
        all.addAll(args);
        KubernetesSubmitCommand kubernetes = new KubernetesSubmitCommand();
        new CommandLine(kubernetes).parseArgs(all.toArray(new String[0]));
        return kubernetes.submit(out);
    }

    private record Job(Workflow workflow, List<String> programArgs, Optional<String> output) {}

    private Job treeMerge(Configuration conf) throws Exception {
        TreeMergeCommand merge = new TreeMergeCommand();
        parse(merge, "tree-merge", args);
        TreeMergeSpec mergeSpec = new TreeMergeSpec(merge.input, merge.work, merge.output, merge.fanIn, merge.widths,
                merge.codec, merge.attempts, merge.overwrite);
        Workflow workflow = TreeMerge.prepare(mergeSpec);
        List<String> programArgs = new ArrayList<>(List.of("tree-merge"));
        programArgs.addAll(args);
        return new Job(workflow, programArgs, Optional.of(merge.output));
    }

    private Job workflowFile(Configuration conf) {
        RunCommand run = new RunCommand();
        parse(run, what, args);
        if (run.spec.shipped != null) {
            throw new SpecException("--shipped: set by floe submit itself, not on its command line");
        }
        Workflow workflow = run.spec.load(conf);
        run.spec.printNotices(spec.commandLine().getErr());
        // The JobManager runs the same workflow from the files this client read, never from its own disk.
        ShippedSpec shipped = run.spec.shipped(conf);
        List<String> programArgs = List.of("run", shipped.name(), "--shipped", shipped.encode());
        return new Job(workflow, programArgs, Optional.empty());
    }

    /** Reads the job's own options as its command would; a mistake there is bad input, exit 2. */
    private void parse(Object command, String name, List<String> jobArgs) {
        List<String> all = new ArrayList<>();
        if (command instanceof RunCommand) {
            all.add(name);
        }
        all.addAll(jobArgs);
        try {
            new CommandLine(command).parseArgs(all.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new SpecException(name + ": " + e.getMessage());
        }
    }

    /** The jar this command runs from, else the build's {@code jobs/target/floe-jobs.jar}. */
    private java.nio.file.Path jobsJar() {
        if (jar != null) {
            if (!java.nio.file.Files.isRegularFile(jar)) {
                throw new SpecException("--jar " + jar + ": no such file");
            }
            return jar;
        }
        java.nio.file.Path self;
        try {
            self = java.nio.file.Path.of(FloeCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (self.getFileName().toString().equals("floe-jobs.jar")) {
            return self;
        }
        java.nio.file.Path built = java.nio.file.Path.of(System.getProperty("floe.home", "."), "jobs", "target", "floe-jobs.jar");
        if (!java.nio.file.Files.isRegularFile(built)) {
            throw new SpecException(built + ": no jobs jar (build it with: mvn package -DskipTests, or pass --jar)");
        }
        return built;
    }

    private static void printManifest(String output, PrintWriter out) {
        Path dir = Layout.dir(output);
        Path manifest = new Path(dir, Manifest.NAME);
        out.println("result   " + new Path(dir, Layout.RESULT));
        out.println("manifest " + manifest);
        try {
            out.print(Manifest.read(manifest).toJson());
        } catch (RuntimeException e) {
            out.println("(the manifest is not readable from here: " + e.getMessage() + ")");
        }
        out.flush();
    }
}

package floe.jobs.cli;

import floe.SpecException;
import floe.argo.ArgoOptions;
import floe.argo.ArgoWorkflows;
import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecLoader;
import floe.jobs.spec.SpecOptions;
import floe.model.Workflow;
import floe.run.ExitHandlers;
import floe.run.FloeOptions;
import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** A workflow file on the command line (Argo YAML) and how it meets this machine. */
final class SpecFile {
    @Parameters(index = "0", paramLabel = "FILE",
            description = "An Argo Workflow (.yaml, .yml), or a directory of Batch job definitions and job submissions (.json).")
    Path file;

    @Parameters(index = "1..*", paramLabel = "TEMPLATE", description = "Argo WorkflowTemplates the workflow's templateRefs name"
            + " (files, or directories searched for them; the workflow file's directory is searched last).")
    List<Path> templates = new ArrayList<>();

    @Option(names = "--templates", paramLabel = "DIR",
            description = "A directory of WorkflowTemplates and ClusterWorkflowTemplates the workflow's templateRefs may name (repeatable).")
    List<Path> templateDirs = new ArrayList<>();

    @Option(names = "--volume", paramLabel = "NAME=DIR",
            description = "The directory a volume of the workflow is on; commands see it at their mountPath (repeatable).")
    Map<String, String> volumes = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "NAME=DIR",
            description = "The keys of a Kubernetes secret the workflow names, a file per key in DIR (repeatable). Values are"
                    + " read by each task when it starts: never printed, logged or put in a plan.")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(names = "--config-map", paramLabel = "NAME=DIR|FILE",
            description = "The keys of a Kubernetes config map the workflow names: a file per key in DIR, or one YAML or JSON map or ConfigMap manifest (repeatable).")
    Map<String, String> configMaps = new LinkedHashMap<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig of the Kubernetes API server the workflow's resource templates act on (its current"
                    + " context); the setting floe.argo.kubeconfig does the same. Tasks read it when they start: its"
                    + " credentials are never printed, logged or put in a plan.")
    Path kubeconfig;

    @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE", description = "Set a workflow parameter (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--image", paramLabel = "IMAGE=DIR",
            description = "Run the commands of IMAGE (a trailing * is a wildcard) in DIR, standing in for that image's"
                    + " working directory (repeatable; first match wins).")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--image-dir", paramLabel = "DIR",
            description = "Where container commands run when their template sets no workingDir: stands in for the"
                    + " image's working directory (default: the workflow file's directory, or the Batch directory).")
    Path imageDir;

    @Option(names = "--shipped", hidden = true, paramLabel = "DATA",
            description = "The workflow's files and options as the submitting client read them (floe submit): a ShippedSpec, encoded.")
    String shipped;

    @Option(names = "--without-exit-handler", hidden = true,
            description = "Run the workflow but not its exit handler (floe submit runs that as a job of its own).")
    boolean withoutExitHandler;

    @Option(names = "--exit-handler-after", hidden = true, paramLabel = "STATUS",
            description = "Run only the workflow's exit handler, as after the workflow ended STATUS (Succeeded or Failed; set by floe submit).")
    String exitHandlerAfter;

    @Option(names = "--exit-handler-failures", hidden = true, paramLabel = "JSON",
            description = "With --exit-handler-after Failed: the failed tasks, as {{workflow.failures}} lists them (set by floe submit).")
    String exitHandlerFailures;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /**
     * Load to check, not to run ({@code floe lint}): what the run needs from this machine and is
     * not given (secrets, config maps, claims) is a notice ({@link ArgoOptions#forChecking()}).
     */
    boolean checking;

    /** The WorkflowTemplate files the last load used: what travels with the workflow to a cluster. */
    final List<Path> templatesUsed = new ArrayList<>();

    /** What the last load found that has no effect here, one line each. */
    private final List<String> notices = new ArrayList<>();

    /** Prints the notices of the last load, {@code floe: notice: ...}, one line each. */
    void printNotices(java.io.PrintWriter err) {
        notices.forEach(n -> err.println("floe: notice: " + n));
        err.flush();
    }

    /** Where container commands run when their template sets no workingDir. */
    Path workDir() {
        boolean batch = Files.isDirectory(file);
        return (imageDir != null ? imageDir : batch ? file : file.toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    /** The options as given on the command line (paths as typed, or where they were typed: {@link Invocation#path}). */
    SpecOptions options() {
        Invocation typed = Invocation.of(command);
        return new SpecOptions(typed.paths(volumes), typed.paths(secrets), typed.paths(configMaps), parameters, typed.paths(images),
                imageDir == null ? null : imageDir.toString(), kubeconfig == null ? null : kubeconfig.toString());
    }

    /**
     * What travels to a cluster that shares this machine's files: the files the last load used, with
     * absolute paths, and, unless --image-dir gives one for all, the images' working directories as
     * {@code conf} gives them here.
     */
    ShippedSpec shipped(Configuration conf) {
        SpecOptions options = options().resolvedHere();
        if (imageDir == null && !Files.isDirectory(file)) {
            options = options.withWorkingDirs(conf.get(FloeOptions.LOCAL_WORKING_DIRS));
        }
        return ShippedSpec.of(file, templatesUsed, options.withImageDir(workDir().toString()));
    }

    Workflow load(Configuration conf) {
        Workflow workflow;
        if (shipped != null) {
            ShippedSpec sent = ShippedSpec.decode(shipped);
            if (!sent.name().equals(file.toString())) {
                throw new SpecException("--shipped: the workflow shipped is " + sent.name() + ", not " + file);
            }
            workflow = sent.workflow(conf);
            notices.clear(); // floe submit's client, which read the files, printed them
        } else {
            workflow = loadFromDisk(conf);
        }
        if (exitHandlerAfter != null) {
            Workflow handler = ExitHandlers.handler(workflow, exitHandlerAfter);
            return exitHandlerFailures == null ? handler : handler.withParameter(Workflow.FAILURES_PARAMETER, exitHandlerFailures);
        }
        return withoutExitHandler ? workflow.withoutOnExit() : workflow;
    }

    Workflow loadFromDisk(Configuration conf) {
        for (Path dir : templateDirs) {
            if (!Files.isDirectory(dir)) {
                throw new SpecException("--templates " + dir + ": no such directory");
            }
        }
        List<Path> all = new ArrayList<>(templates);
        all.addAll(templateDirs);
        ArgoWorkflows.Loaded loaded = SpecLoader.load(file, all, options(), conf, checking ? SpecLoader.Mode.CHECK : SpecLoader.Mode.RUN);
        notices.clear();
        notices.addAll(loaded.notices());
        templatesUsed.clear();
        templatesUsed.addAll(loaded.templates());
        return loaded.workflow();
    }
}

package floe.jobs.cli;

import floe.SpecException;
import floe.argo.ArgoOptions;
import floe.argo.ArgoWorkflows;
import floe.argo.ArtifactRepository;
import floe.batch.BatchJobs;
import floe.run.ExitHandlers;
import floe.run.FloeOptions;
import floe.spec.LocalImages;
import floe.model.Workflow;

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

    @Option(names = "--shipped", hidden = true, paramLabel = "NAME=DATA",
            description = "The workflow's files as the submitting client read them (floe submit), by relative name.")
    Map<String, String> shipped = new LinkedHashMap<>();

    @Option(names = "--without-exit-handler", hidden = true,
            description = "Run the workflow but not its exit handler (floe submit runs that as a job of its own).")
    boolean withoutExitHandler;

    @Option(names = "--exit-handler-after", hidden = true, paramLabel = "STATUS",
            description = "Run only the workflow's exit handler, as after the workflow ended STATUS (Succeeded or Failed; set by floe submit).")
    String exitHandlerAfter;

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

    /** Each NAME=PATH with the path made absolute; it must exist (a directory when {@code dirOnly}). */
    private static Map<String, String> paths(String option, Map<String, String> given, boolean dirOnly) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((name, path) -> {
            Path p = Path.of(path).toAbsolutePath().normalize();
            if (dirOnly ? !Files.isDirectory(p) : !Files.exists(p)) {
                throw new SpecException(option + " " + name + "=" + path + ": no such " + (dirOnly ? "directory" : "file or directory"));
            }
            out.put(name, p.toString());
        });
        return out;
    }

    /** Where container commands run when their template sets no workingDir. */
    Path workDir() {
        boolean batch = Files.isDirectory(file);
        return (imageDir != null ? imageDir : batch ? file : file.toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    Workflow load(org.apache.flink.configuration.Configuration conf) {
        Workflow workflow = shipped.isEmpty() ? loadFromDisk(conf) : ShippedSpec.load(this, conf);
        if (!shipped.isEmpty()) {
            notices.clear(); // floe submit's client, which read the files, printed them
        }
        if (exitHandlerAfter != null) {
            return ExitHandlers.handler(workflow, exitHandlerAfter);
        }
        return withoutExitHandler ? workflow.withoutOnExit() : workflow;
    }

    Workflow loadFromDisk(org.apache.flink.configuration.Configuration conf) {
        String name = file.getFileName().toString();
        boolean batch = Files.isDirectory(file);
        if (!batch && !name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new SpecException(file + ": not an Argo workflow file (.yaml, .yml) or a directory of Batch jobs");
        }
        Map<String, String> dirs = new LinkedHashMap<>();
        volumes.forEach((volume, dir) -> {
            Path p = Path.of(dir).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new SpecException("--volume " + volume + "=" + dir + ": no such directory");
            }
            dirs.put(volume, p.toString());
        });
        Path workDir = workDir();
        Map<String, String> imageDirs = new LinkedHashMap<>();
        images.forEach((image, dir) -> imageDirs.put(image, Path.of(dir).toAbsolutePath().normalize().toString()));
        LocalImages local = LocalImages.of(conf.get(FloeOptions.LOCAL_ALLOWED_IMAGES), imageDirs, workDir.toString())
                .withEntrypoints(conf.get(FloeOptions.LOCAL_ENTRYPOINTS));
        if (batch) {
            if (!templates.isEmpty()) {
                throw new SpecException(templates.get(0) + ": WorkflowTemplates go with Argo workflows, not Batch jobs");
            }
            if (!parameters.isEmpty()) {
                throw new SpecException("-p: Batch jobs take parameters in their files (parameters, Ref::NAME), not on the command line");
            }
            return BatchJobs.fromDirectory(file, dirs, local);
        }
        ArtifactRepository repository = new ArtifactRepository(conf.get(FloeOptions.ARTIFACT_BUCKET), conf.toMap().get("fs.oss.endpoint"));
        for (Path dir : templateDirs) {
            if (!Files.isDirectory(dir)) {
                throw new SpecException("--templates " + dir + ": no such directory");
            }
        }
        List<Path> all = new ArrayList<>(templates);
        all.addAll(templateDirs);
        ArgoOptions options = new ArgoOptions(dirs, parameters, local, repository, conf.get(FloeOptions.ARGO_MAX_RECURSION_DEPTH))
                .withLocal(paths("--secret", secrets, true), paths("--config-map", configMaps, false),
                        conf.get(FloeOptions.ARGO_VOLUME_DIR), conf.get(FloeOptions.ARGO_KEEP_VOLUMES))
                .withMemoizeDir(conf.get(FloeOptions.ARGO_MEMOIZE_DIR));
        ArgoWorkflows.Loaded loaded = ArgoWorkflows.load(file, all, checking ? options.forChecking() : options);
        notices.clear();
        notices.addAll(loaded.notices());
        templatesUsed.clear();
        templatesUsed.addAll(loaded.templates());
        return loaded.workflow();
    }
}

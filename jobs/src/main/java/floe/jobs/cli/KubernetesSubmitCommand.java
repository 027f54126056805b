package floe.jobs.cli;

import floe.jobs.kubernetes.KubernetesConf;
import floe.jobs.kubernetes.KubernetesJob;
import floe.jobs.kubernetes.KubernetesOptions;
import floe.jobs.kubernetes.KubernetesSubmit;
import floe.jobs.kubernetes.KubernetesTarget;
import floe.SpecException;
import floe.argo.ArgoWorkflows;
import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecLoader;
import floe.jobs.spec.SpecOptions;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes targets of {@code floe submit --target kubernetes-application|kubernetes-session
 * FILE [OPTIONS]}: the options that follow FILE.
 */
@Command(name = "submit --target kubernetes-*",
        description = "Run an Argo workflow or a directory of Batch jobs on Kubernetes (Flink native mode): an application"
                + " cluster of its own, or a session cluster. Settings: conf/kubernetes/config.yaml, then -D.")
final class KubernetesSubmitCommand {
    @Option(names = "--target", required = true, paramLabel = "TARGET",
            description = "kubernetes-application (a cluster for this workflow) or kubernetes-session (submit to the session"
                    + " cluster kubernetes.cluster-id, created if missing).")
    String target;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "An Argo Workflow (.yaml, .yml), or a directory of Batch job definitions and job submissions (.json).")
    Path file;

    @Parameters(index = "1..*", paramLabel = "TEMPLATE", description = "Argo WorkflowTemplates the workflow's templateRefs name"
            + " (files, or directories searched for them; the workflow file's directory is searched last). Those it uses travel with it.")
    List<Path> templates = new ArrayList<>();

    @Option(names = "--templates", paramLabel = "DIR",
            description = "A directory of WorkflowTemplates and ClusterWorkflowTemplates the workflow's templateRefs may name (repeatable).")
    List<Path> templateDirs = new ArrayList<>();

    @Option(names = "--volume", paramLabel = "NAME=DIR",
            description = "Where a volume of the workflow is in the TaskManager pods (the pod template mounts it), e.g."
                    + " workdir=/mnt/vol (repeatable).")
    Map<String, String> volumes = new LinkedHashMap<>();

    @Option(names = "--secret", paramLabel = "NAME=DIR",
            description = "Where the keys of a Kubernetes secret the workflow names are in the pods, a file per key in DIR (the"
                    + " pod templates mount the Secret there; repeatable). Only the path travels; tasks read the values when they start.")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(names = "--config-map", paramLabel = "NAME=DIR|FILE",
            description = "Where the keys of a Kubernetes config map the workflow names are in the pods: a file per key in DIR,"
                    + " or one YAML or JSON map or ConfigMap manifest (repeatable).")
    Map<String, String> configMaps = new LinkedHashMap<>();

    @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE", description = "Set a workflow parameter (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--image", paramLabel = "IMAGE=DIR",
            description = "Run the commands of IMAGE in DIR inside the TaskManager's container (repeatable).")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--image-dir", paramLabel = "DIR",
            description = "Where commands run inside the TaskManager's container when their template sets no workingDir"
                    + " (default: floe.kubernetes.image-dir).")
    String imageDir;

    @Option(names = "--conf-dir", paramLabel = "DIR",
            description = "The Kubernetes configuration directory (default: conf/kubernetes beside FLINK_CONF_DIR).")
    Path confDir;

    @Option(names = "-D", paramLabel = "KEY=VALUE",
            description = "A Flink or Floe setting, e.g. -D kubernetes.cluster-id=nightly (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    int submit(PrintWriter out) {
        KubernetesTarget where = KubernetesTarget.named(target);
        // Secrets given with -D, as in config.yaml, are refused by KubernetesSubmit, whose message
        // says where they go on Kubernetes (a Secret the pods read), not config.yaml (a ConfigMap there).
        Configuration conf = KubernetesConf.load(confDir != null ? confDir : defaultConfDir(), settings);
        String dir = imageDir != null ? imageDir : conf.get(KubernetesOptions.IMAGE_DIR);
        SpecOptions options = new SpecOptions(volumes, secrets, configMaps, parameters, images, dir);
        // Found here, the WorkflowTemplates the workflow uses are the ones that travel; the cluster's
        // JobManager and this client then read the same files with the same loader.
        for (Path d : templateDirs) {
            if (!java.nio.file.Files.isDirectory(d)) {
                throw new SpecException("--templates " + d + ": no such directory");
            }
        }
        List<Path> all = new ArrayList<>(templates);
        all.addAll(templateDirs);
        ArgoWorkflows.Loaded used = SpecLoader.load(file, all, options, conf, SpecLoader.Mode.ELSEWHERE);
        ShippedSpec spec = ShippedSpec.of(file, used.templates(), options);
        return KubernetesSubmit.submit(where, KubernetesJob.workflow(spec), conf, out);
    }

    private static Path defaultConfDir() {
        String flinkConf = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        Path base = flinkConf != null ? Path.of(flinkConf).toAbsolutePath().getParent() : Path.of("conf");
        return base.resolve("kubernetes");
    }
}

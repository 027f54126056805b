package floe.jobs.kubernetes;

import floe.FloeException;
import floe.SpecException;
import floe.argo.ArgoWorkflows;
import floe.model.Workflow;
import floe.run.FloeOptions;

import org.apache.flink.client.ClientUtils;
import org.apache.flink.client.deployment.ClusterDeploymentException;
import org.apache.flink.client.deployment.ClusterSpecification;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.ProgramInvocationException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.kubernetes.KubernetesClusterClientFactory;
import org.apache.flink.kubernetes.KubernetesClusterDescriptor;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClient;
import org.apache.flink.kubernetes.kubeclient.FlinkKubeClientFactory;
import org.apache.flink.kubernetes.kubeclient.decorators.ExternalServiceDecorator;
import org.apache.flink.kubernetes.kubeclient.decorators.FlinkConfMountDecorator;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.flink.util.ExceptionUtils;

import java.io.File;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs Floe on Kubernetes through Flink's native integration ({@code flink-kubernetes}): the
 * JobManager is a Deployment Flink creates, and Flink's active resource manager asks Kubernetes for
 * TaskManager pods when stages need slots and releases them after
 * {@code resourcemanager.taskmanager-timeout}.
 *
 * <ul>
 *   <li>{@code kubernetes-application}: a cluster of its own for this job. Its JobManager runs
 *       {@link ClusterMain} from the image's jobs jar with the workflow as program argument; the call
 *       returns once the cluster is created, and the cluster goes away when the job ends.
 *   <li>{@code kubernetes-session}: the session cluster {@code kubernetes.cluster-id} (created first
 *       if it does not exist), to which this process submits the job as {@code flink run} would,
 *       following it to its end.
 * </ul>
 *
 * <p>Every stage that declares resources gets slots of its size, and TaskManagers are sized to hold
 * the largest ({@link TaskManagerSizing}). Credentials never travel in the Flink configuration (it
 * becomes a ConfigMap): a sensitive key is refused; pods take OSS credentials from a Secret
 * through their pod templates.
 *
 * <pre>{@code
 * Configuration conf = KubernetesConf.load(Path.of("conf/kubernetes"), Map.of("kubernetes.cluster-id", "nightly"));
 * int exit = KubernetesSubmit.submit(KubernetesTarget.APPLICATION,
 *         KubernetesJob.workflow(ShippedSpec.of(file, List.of(), new SpecOptions(Map.of("workdir", "/mnt/vol"), Map.of(), Map.of(),
 *                 Map.of(), Map.of(), "/opt/floe/process-data"))),
 *         conf, new PrintWriter(System.out, true));
 * }</pre>
 */
public final class KubernetesSubmit {
    /** Room for the shipped workflow: it goes into the cluster's ConfigMap, which Kubernetes caps at 1 MiB. */
    static final int MAX_SHIPPED_BYTES = 768 * 1024;
    /** Cluster id of a session when none is configured. */
    public static final String DEFAULT_SESSION_ID = "floe-session";
    // Flink's limit for kubernetes.cluster-id (it becomes part of object names).
    private static final int MAX_CLUSTER_ID = 45;

    private KubernetesSubmit() {}

    /**
     * Deploys {@code job} to {@code target}. Returns 0 when the application cluster was created, or
     * when the job on the session cluster succeeded. Bad input (the workflow, a setting) throws
     * {@link SpecException} (exit 2); a failed deployment, submission or job throws {@link FloeException} (exit 1).
     */
    public static int submit(KubernetesTarget target, KubernetesJob job, Configuration conf, PrintWriter out) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(out, "out");
        Prepared prepared = prepare(target, job, conf, out);
        return target == KubernetesTarget.APPLICATION
                ? application(job, prepared.conf(), out) : session(job, prepared, out);
    }

    /** The cluster's configuration, and the workflow read from the job (null for a floe command). */
    record Prepared(Configuration conf, Workflow workflow) {}

    /** The configuration the cluster gets: checked, sized for the workflow, with Floe's defaults. */
    static Prepared prepare(KubernetesTarget target, KubernetesJob job, Configuration conf, PrintWriter out) {
        refuseCredentials(conf);
        ImageReference.check(conf);
        Configuration c = new Configuration(conf);
        c.set(DeploymentOptions.TARGET, target.flinkName());
        if (!c.contains(FloeOptions.STAGE_RESOURCES)) {
            c.set(FloeOptions.STAGE_RESOURCES, true);
        }
        if (!c.contains(KubernetesConfigOptions.CLUSTER_ID)) {
            c.set(KubernetesConfigOptions.CLUSTER_ID, target == KubernetesTarget.SESSION ? DEFAULT_SESSION_ID : applicationId(job));
        }
        Workflow workflow = null;
        int shipped = job.programArgs().stream().mapToInt(String::length).sum();
        if (shipped > MAX_SHIPPED_BYTES) {
            throw new SpecException(job + ": too large to ship with the submission (" + shipped / 1024 + " KiB compressed; the"
                    + " cluster's ConfigMap holds at most " + MAX_SHIPPED_BYTES / 1024 + " KiB of it): put large data on a volume or OSS");
        }
        if (job.spec() != null) {
            // Read here first: a bad workflow fails now, with its file and line, before anything is created.
            ArgoWorkflows.Loaded loaded = job.spec().load(c);
            loaded.notices().forEach(n -> out.println("floe: notice: " + n));
            workflow = loaded.workflow();
            out.print(FloeOptions.compiler(c).plan(workflow).describe());
            if (c.get(FloeOptions.STAGE_RESOURCES)) {
                TaskManagerSizing sizing = TaskManagerSizing.fit(workflow, c);
                sizing.describe().forEach(out::println);
                c = sizing.conf();
            }
        }
        out.flush();
        return new Prepared(c, workflow);
    }

    private static int application(KubernetesJob job, Configuration conf, PrintWriter out) {
        conf.set(PipelineOptions.JARS, List.of(conf.get(KubernetesOptions.JOBS_JAR)));
        // The program follows its job to the end (its figures, a failed task's message): detached,
        // Flink's application mode would hand it no result and the workflow would fail at once.
        conf.set(DeploymentOptions.ATTACHED, true);
        ApplicationConfiguration app = new ApplicationConfiguration(job.programArgs().toArray(String[]::new), ClusterMain.class.getName());
        KubernetesClusterClientFactory factory = new KubernetesClusterClientFactory();
        ClusterSpecification spec = factory.getClusterSpecification(conf);
        String clusterId = conf.get(KubernetesConfigOptions.CLUSTER_ID);
        try (KubernetesClusterDescriptor descriptor = descriptor(factory, conf);
                ClusterClient<String> client = descriptor.deployApplicationCluster(spec, app).getClusterClient()) {
            describeCluster("application cluster", clusterId, conf, client, out);
            out.printf("  runs %s; the cluster goes away when it ends%n", job);
        } catch (ClusterDeploymentException | RuntimeException e) {
            throw e instanceof FloeException f ? f : deployFailed(clusterId, conf, e);
        }
        out.flush();
        return 0;
    }

    private static int session(KubernetesJob job, Prepared prepared, PrintWriter out) {
        Configuration conf = prepared.conf();
        String clusterId = conf.get(KubernetesConfigOptions.CLUSTER_ID);
        KubernetesClusterClientFactory factory = new KubernetesClusterClientFactory();
        try (KubernetesClusterDescriptor descriptor = descriptor(factory, conf)) {
            Configuration running = sessionConfig(conf, clusterId);
            if (running != null) {
                String where = "session cluster '" + clusterId + "'";
                if (prepared.workflow() != null && conf.get(FloeOptions.STAGE_RESOURCES)) {
                    // A session keeps the TaskManager size it was made with.
                    TaskManagerSizing.checkFits(prepared.workflow(), TaskManagerSizing.spec(running), where);
                }
                out.printf("%s in namespace '%s' is running: submitting to it%n", where, conf.get(KubernetesConfigOptions.NAMESPACE));
            } else {
                try (ClusterClient<String> client = descriptor.deploySessionCluster(factory.getClusterSpecification(conf)).getClusterClient()) {
                    describeCluster("session cluster", clusterId, conf, client, out);
                }
            }
        } catch (ClusterDeploymentException | RuntimeException e) {
            throw e instanceof FloeException f ? f : deployFailed(clusterId, conf, e);
        }
        out.flush();
        File jar = conf.getOptional(KubernetesOptions.CLIENT_JAR).map(File::new).orElseGet(KubernetesSubmit::jobsJarHere);
        if (!jar.isFile()) {
            throw new SpecException(KubernetesOptions.CLIENT_JAR.key() + ": no such jar: " + jar);
        }
        Configuration run = new Configuration(conf);
        run.set(DeploymentOptions.ATTACHED, true);
        run.set(PipelineOptions.JARS, List.of(jar.toURI().toString()));
        try {
            PackagedProgram program = PackagedProgram.newBuilder()
                    .setJarFile(jar)
                    .setEntryPointClassName(ClusterMain.class.getName())
                    .setArguments(job.programArgs().toArray(String[]::new))
                    .setConfiguration(run)
                    .build();
            ClientUtils.executeProgram(new DefaultExecutorServiceLoader(), run, program, false, false);
            out.printf("%s succeeded on session cluster '%s'%n", job, clusterId);
            out.flush();
        } catch (ProgramInvocationException e) {
            FloeException floe = ExceptionUtils.findThrowable(e, FloeException.class).orElse(null);
            if (floe != null) {
                throw floe;
            }
            throw new FloeException("session cluster '" + clusterId + "': the job could not be submitted or failed: "
                    + ExceptionUtils.stripException(e, ProgramInvocationException.class).getMessage(), e);
        }
        return 0;
    }

    private static KubernetesClusterDescriptor descriptor(KubernetesClusterClientFactory factory, Configuration conf) {
        try {
            return factory.createClusterDescriptor(conf);
        } catch (RuntimeException e) {
            FloeException refused = refused(conf, e);
            throw refused != null ? refused : new FloeException("cannot reach Kubernetes (" + where(conf) + "): " + rootMessage(e), e);
        }
    }

    /** The configuration of the running session {@code clusterId} (from its ConfigMap), or null if there is none. */
    private static Configuration sessionConfig(Configuration conf, String clusterId) {
        try (FlinkKubeClient kube = FlinkKubeClientFactory.getInstance().fromConfiguration(conf, "client")) {
            if (kube.getService(ExternalServiceDecorator.getExternalServiceName(clusterId)).isEmpty()) {
                return null;
            }
            String yaml = kube.getConfigMap(FlinkConfMountDecorator.getFlinkConfConfigMapName(clusterId))
                    .map(m -> m.getData().get(GlobalConfiguration.FLINK_CONF_FILENAME))
                    .orElseThrow(() -> new FloeException("session cluster '" + clusterId + "' has no Flink configuration"
                            + " ConfigMap: was it made by Flink's native Kubernetes mode?"));
            return readConfig(yaml);
        } catch (FloeException e) {
            throw e;
        } catch (RuntimeException e) {
            FloeException refused = refused(conf, e);
            throw refused != null ? refused : new FloeException("cannot reach Kubernetes (" + where(conf) + "): " + rootMessage(e), e);
        }
    }

    private static Configuration readConfig(String yaml) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("floe-session-conf");
            try {
                java.nio.file.Files.writeString(dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME), yaml);
                return GlobalConfiguration.loadConfiguration(dir.toString());
            } finally {
                java.nio.file.Files.deleteIfExists(dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME));
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            throw new FloeException("cannot read the session's Flink configuration: " + e.getMessage(), e);
        }
    }

    private static void describeCluster(String what, String clusterId, Configuration conf, ClusterClient<String> client, PrintWriter out) {
        String namespace = conf.get(KubernetesConfigOptions.NAMESPACE);
        out.printf("%s '%s' created in namespace '%s' (image %s)%n", what, clusterId, namespace, conf.get(KubernetesConfigOptions.CONTAINER_IMAGE));
        out.printf("  JobManager REST and web UI: %s%n", client.getWebInterfaceURL());
        out.printf("  logs: kubectl -n %s logs -f deployment/%s%n", namespace, clusterId);
    }

    private static FloeException deployFailed(String clusterId, Configuration conf, Exception e) {
        FloeException refused = refused(conf, e);
        if (refused != null) {
            return refused;
        }
        return new FloeException("could not create Kubernetes cluster '" + clusterId + "' (" + where(conf) + "): " + rootMessage(e), e);
    }

    /**
     * The API server's refusal (401, 403) in one line: whose rights are missing where, and the
     * server's own reason; null when {@code e} is not one.
     */
    private static FloeException refused(Configuration conf, Throwable e) {
        KubernetesClientException k = ExceptionUtils.findThrowable(e, KubernetesClientException.class).orElse(null);
        if (k == null || (k.getCode() != 401 && k.getCode() != 403)) {
            return null;
        }
        String reason = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : "no reason given";
        String namespace = conf.get(KubernetesConfigOptions.NAMESPACE);
        String kubeconfig = conf.getOptional(KubernetesConfigOptions.KUBE_CONFIG_FILE).orElse("~/.kube/config or the pod's service account");
        return k.getCode() == 401
                ? new FloeException("Kubernetes refused (401 Unauthorized): the credentials of " + kubeconfig + " are not accepted: " + reason, e)
                : new FloeException("Kubernetes refused (403 Forbidden) in namespace '" + namespace + "': " + reason
                        + ": the user of " + kubeconfig + " needs the rights conf/kubernetes/rbac.yaml grants, in that namespace"
                        + " (or set kubernetes.namespace to one it may use)", e);
    }

    private static String where(Configuration conf) {
        return "namespace " + conf.get(KubernetesConfigOptions.NAMESPACE) + ", kubeconfig "
                + conf.getOptional(KubernetesConfigOptions.KUBE_CONFIG_FILE).orElse("~/.kube/config or the pod's service account");
    }

    /** The deepest cause, which says what went wrong (e.g. {@code UnknownHostException: kubernetes.default.svc}). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e || t.getMessage() == null ? String.valueOf(e.getMessage()) : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * Credentials in the Flink configuration would be written into the cluster's ConfigMap and its
     * logs: refuse them, naming the key and never the value.
     */
    static void refuseCredentials(Configuration conf) {
        for (String key : conf.keySet()) {
            if (GlobalConfiguration.isSensitive(key) || key.toLowerCase(Locale.ROOT).startsWith("fs.oss.accesskey")) {
                throw new SpecException(key + ": credentials do not go in the Flink configuration on Kubernetes (it becomes a"
                        + " ConfigMap anyone with read access sees); put them in a Secret the pod templates take them from"
                        + " (conf/kubernetes: Secret 'oss-credentials', env OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET)");
            }
        }
    }

    private static String applicationId(KubernetesJob job) {
        String base = job.spec() != null ? job.spec().name().replaceAll("\\.(ya?ml)$", "") : job.floeArgs().get(0);
        String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        int room = MAX_CLUSTER_ID - "floe-".length() - suffix.length() - 1;
        if (name.length() > room) {
            name = name.substring(0, room).replaceAll("-+$", "");
        }
        return "floe-" + (name.isEmpty() ? "" : name + "-") + suffix;
    }

    /** The jobs jar this process runs from: a session cluster gets it with the job. */
    private static File jobsJarHere() {
        try {
            File here = new File(KubernetesSubmit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (here.isFile()) {
                return here;
            }
            throw new FloeException("submitting to a session cluster ships the packaged jobs jar, but Floe runs from " + here
                    + ": build it (mvn package) and run bin/floe");
        } catch (URISyntaxException | SecurityException e) {
            throw new FloeException("cannot find the jobs jar to ship: " + e.getMessage(), e);
        }
    }
}

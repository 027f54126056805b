package floe.jobs.kubernetes.kubelet;

import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Plays the node, and the few controllers a cluster runs, beside the mock Kubernetes API server:
 *
 * <ul>
 *   <li>a Deployment gets its pods (one per replica, owned by it), a deleted or failed pod a new
 *       one;
 *   <li>objects whose owner is gone are deleted (Kubernetes' garbage collector): when Flink's
 *       application cluster deletes its Deployment, its ConfigMaps, Services and TaskManager pods go
 *       with it;
 *   <li>one Node, at 127.0.0.1, where NodePort Services are reached (the API fixture gives them
 *       their node ports when they are created, as the API server does);
 *   <li>each pod's main container runs as a local process: Flink's image's start scripts
 *       ({@code kubernetes-jobmanager.sh}, {@code kubernetes-taskmanager.sh}) mapped to the
 *       entry point classes they start, with the pod's environment and arguments, in a mount
 *       namespace of its own where the pod's volumes are mounted where the pod mounts them
 *       (ConfigMaps and Secrets as files, claims as the test's directories) and the image's files
 *       where the image has them;
 *   <li>the pod's status follows its process (Pending, Running, Succeeded or Failed), and a deleted
 *       pod's process and its children are killed.
 * </ul>
 *
 * Every pod has its own IP on a cluster; here all share 127.0.0.1, so each TaskManager gets a free
 * RPC port of its own, and Service names resolve to 127.0.0.1 through a hosts file every pod's
 * JVM reads ({@code jdk.net.hosts.file}).
 */
public final class TestingKubelet implements AutoCloseable {
    private static final String NODE = "kubelet";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration GRACE = Duration.ofSeconds(5);

    /** What a pod's container has: Flink's jars, the JVM options, and files at paths inside the image. */
    public record Image(String classpath, Path jvmArgs, Map<String, Path> files) {}

    /** Something that happened to a pod, as seen by the kubelet. */
    public record PodEvent(Instant at, String pod, String component, String what) {
        @Override
        public String toString() {
            return at + " " + pod + " (" + component + ") " + what;
        }
    }

    private final TestingKubernetesApi kube;
    private final NamespacedKubernetesClient client;
    private final Path root;
    private final Image image;
    private final Map<String, Path> claims;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Pod> seen = new ConcurrentHashMap<>();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final List<PodEvent> events = new CopyOnWriteArrayList<>();
    private final List<ProcessHandle> started = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "testing-kubelet");
        t.setDaemon(true);
        return t;
    });

    private record Running(Pod pod, Process process, Path dir) {}

    // The mock server logs every request; kept here so the setting is not collected with the logger.
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private TestingKubelet(TestingKubernetesApi kube, Path root, Image image, Map<String, Path> claims) {
        this.kube = kube;
        this.client = kube.client();
        this.root = root;
        this.image = image;
        this.claims = Map.copyOf(claims);
    }

    /**
     * Starts playing the node for {@code kube}: pods' files under {@code root}, PersistentVolumeClaims
     * by name to local directories.
     */
    public static TestingKubelet start(TestingKubernetesApi kube, Path root, Image image, Map<String, Path> claims) {
        TestingKubelet kubelet = new TestingKubelet(kube, root, image, claims);
        kubelet.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress().endStatus()
                .build()).create();
        // A test JVM that is stopped takes the pods' processes with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> kubelet.running.values().forEach(r -> kill(r.process()))));
        kubelet.loop.scheduleWithFixedDelay(kubelet::reconcileSafely, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        return kubelet;
    }

    public List<PodEvent> events() {
        return List.copyOf(events);
    }

    /** What went wrong in the kubelet itself (a test asserts it is empty). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Every process a pod ran (its container's main process). */
    public List<ProcessHandle> processes() {
        return List.copyOf(started);
    }

    /** The pods running now, by name. */
    public Set<String> runningPods() {
        return Set.copyOf(running.keySet());
    }

    /** The directory of pod {@code name}: its container's output ({@code container.log}) and volumes. */
    public Path podDir(String name) {
        return root.resolve(name);
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            if (!loop.isShutdown()) {
                problems.add(Instant.now() + " " + e);
            }
        }
    }

    private synchronized void reconcile() {
        List<Deployment> deployments = client.apps().deployments().list().getItems();
        List<Pod> pods = client.pods().list().getItems();
        List<Service> services = client.services().list().getItems();
        collectGarbage(deployments, pods, services);
        runDeployments(deployments, pods);
        Set<String> present = new HashSet<>();
        for (Pod pod : client.pods().list().getItems()) {
            String name = pod.getMetadata().getName();
            present.add(name);
            if (seen.putIfAbsent(name, pod) == null) {
                event(pod, "created");
            }
            if (!running.containsKey(name) && !ended.contains(name)) {
                start(pod, services);
            }
        }
        for (Map.Entry<String, Running> e : running.entrySet()) {
            Running r = e.getValue();
            if (!present.contains(e.getKey())) {
                running.remove(e.getKey());
                kill(r.process());
            } else if (!r.process().isAlive()) {
                running.remove(e.getKey());
                ended.add(e.getKey());
                int code = r.process().exitValue();
                event(r.pod(), code == 0 ? "succeeded" : "failed (exit code " + code + ")");
                status(r.pod(), code == 0 ? "Succeeded" : "Failed", code);
            }
        }
        for (Map.Entry<String, Pod> e : seen.entrySet()) {
            if (!present.contains(e.getKey())) {
                seen.remove(e.getKey());
                event(e.getValue(), "deleted");
            }
        }
        ended.retainAll(present);
    }

    // ---- controllers

    /** Kubernetes' garbage collector: what is owned by something that is gone goes too. */
    private void collectGarbage(List<Deployment> deployments, List<Pod> pods, List<Service> services) {
        Set<String> uids = new HashSet<>();
        deployments.forEach(d -> uids.add(d.getMetadata().getUid()));
        pods.forEach(p -> uids.add(p.getMetadata().getUid()));
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(pods);
        all.addAll(services);
        all.addAll(client.configMaps().list().getItems());
        for (HasMetadata o : all) {
            List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
            if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(r -> uids.contains(r.getUid()))) {
                client.resource(o).delete();
            }
        }
    }

    /**
     * The Deployment controller (and its ReplicaSet's): one live pod per replica, counting the
     * pods its selector matches. Flink makes the JobManager's Deployment the owner of the
     * TaskManager pods too (so they go with it), but they are not its replicas.
     */
    private void runDeployments(List<Deployment> deployments, List<Pod> pods) {
        for (Deployment d : deployments) {
            Map<String, String> selector = d.getSpec().getSelector() == null || d.getSpec().getSelector().getMatchLabels() == null
                    ? d.getSpec().getTemplate().getMetadata().getLabels() : d.getSpec().getSelector().getMatchLabels();
            List<Pod> owned = pods.stream().filter(p -> ownedBy(p, d.getMetadata().getUid()))
                    .filter(p -> p.getMetadata().getLabels() != null && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            for (Pod p : owned) {
                String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
                if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
                    client.pods().resource(p).delete();
                }
            }
            long live = owned.stream().filter(p -> p.getStatus() == null
                    || !Set.of("Failed", "Succeeded").contains(p.getStatus().getPhase())).count();
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            for (long i = live; i < replicas; i++) {
                Pod pod = new PodBuilder()
                        .withNewMetadataLike(d.getSpec().getTemplate().getMetadata())
                        .withName(d.getMetadata().getName() + "-" + UUID.randomUUID().toString().substring(0, 8))
                        .withNamespace(d.getMetadata().getNamespace())
                        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                                .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true)
                                .build())
                        .endMetadata()
                        .withSpec(d.getSpec().getTemplate().getSpec())
                        .build();
                client.pods().resource(pod).create();
            }
        }
    }

    private static boolean ownedBy(HasMetadata o, String uid) {
        List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(r -> uid.equals(r.getUid()));
    }

    // ---- the node

    /** What the pod waits for (a ConfigMap or Secret not there yet): it stays Pending, and is tried again. */
    private static final class Waiting extends RuntimeException {
        Waiting(String message) {
            super(message);
        }
    }

    private void start(Pod pod, List<Service> services) {
        String name = pod.getMetadata().getName();
        if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
            status(pod, "Pending", null);
        }
        try {
            Path dir = Files.createDirectories(root.resolve(name));
            Container main = pod.getSpec().getContainers().get(0);
            Map<String, Path> mounts = mounts(pod, main, dir);
            List<String> command = command(pod, main, dir, services);
            Map<String, String> env = environment(pod, main);
            List<String> launch = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                    "sh", "-c", mountScript(mounts, main.getWorkingDir()), "pod"));
            launch.addAll(command);
            Files.writeString(dir.resolve("command"), String.join("\n", launch) + "\n");
            ProcessBuilder builder = new ProcessBuilder(launch)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("container.log").toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            started.add(process.toHandle());
            running.put(name, new Running(pod, process, dir));
            event(pod, "running");
            status(pod, "Running", null);
        } catch (Waiting e) {
            // as a kubelet: ContainerCreating until the object is there
            if (waiting.add(name + ": " + e.getMessage())) {
                event(pod, "waiting: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            ended.add(name);
            event(pod, "failed to start: " + e.getMessage());
            problems.add(name + ": " + e);
            status(pod, "Failed", 128);
        }
    }

    /** Where each of the pod's mounts comes from on this machine: volumes, then the image's files. */
    private Map<String, Path> mounts(Pod pod, Container main, Path dir) throws IOException {
        Map<String, Path> mounts = new LinkedHashMap<>(image.files());
        mounts.put("/opt/flink/log", Files.createDirectories(dir.resolve("log")));
        Map<String, Volume> volumes = pod.getSpec().getVolumes() == null ? Map.of()
                : pod.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        for (VolumeMount m : main.getVolumeMounts()) {
            Volume v = volumes.get(m.getName());
            if (v == null) {
                throw new IllegalStateException("volume mount " + m.getName() + ": no such volume");
            }
            Path source;
            if (v.getConfigMap() != null) {
                ConfigMap cm = client.configMaps().withName(v.getConfigMap().getName()).get();
                if (cm == null) {
                    throw new Waiting("configmap " + v.getConfigMap().getName() + " not found");
                }
                source = files(dir.resolve("volumes").resolve(v.getName()), cm.getData(), v.getConfigMap().getItems());
            } else if (v.getSecret() != null) {
                Secret s = client.secrets().withName(v.getSecret().getSecretName()).get();
                if (s == null) {
                    throw new Waiting("secret " + v.getSecret().getSecretName() + " not found");
                }
                source = files(dir.resolve("volumes").resolve(v.getName()), secretData(s), v.getSecret().getItems());
            } else if (v.getPersistentVolumeClaim() != null) {
                source = claims.get(v.getPersistentVolumeClaim().getClaimName());
                if (source == null) {
                    throw new Waiting("persistentvolumeclaim " + v.getPersistentVolumeClaim().getClaimName() + " not found");
                }
            } else if (v.getEmptyDir() != null) {
                source = Files.createDirectories(dir.resolve("volumes").resolve(v.getName()));
            } else {
                throw new IllegalStateException("volume " + v.getName() + ": kind not played by this kubelet");
            }
            mounts.put(m.getMountPath(), m.getSubPath() == null ? source : source.resolve(m.getSubPath()));
        }
        return mounts;
    }

    private static Path files(Path dir, Map<String, String> data, List<KeyToPath> items) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> paths = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.keySet().forEach(k -> paths.put(k, k));
        } else {
            items.forEach(i -> paths.put(i.getKey(), i.getPath()));
        }
        for (Map.Entry<String, String> e : paths.entrySet()) {
            String value = data.get(e.getKey());
            if (value == null) {
                throw new IllegalStateException("key " + e.getKey() + " not found");
            }
            Path file = dir.resolve(e.getValue());
            Files.createDirectories(file.getParent());
            Files.writeString(file, value);
        }
        return dir;
    }

    /**
     * The container's own file system: what the pod mounts, and the image's files, mounted at their
     * paths in a mount namespace; top-level directories they go under ({@code /opt}, {@code /mnt})
     * are the container's own (empty but for these).
     */
    private static String mountScript(Map<String, Path> mounts, String workingDir) {
        StringBuilder s = new StringBuilder("set -e\n");
        Set<String> tops = new java.util.TreeSet<>();
        for (String target : mounts.keySet()) {
            String top = "/" + Path.of(target).getName(0);
            if (!Set.of("/opt", "/mnt").contains(top)) {
                throw new IllegalStateException(target + ": the test kubelet mounts only under /opt and /mnt");
            }
            tops.add(top);
        }
        tops.forEach(t -> s.append("mount -t tmpfs tmpfs ").append(t).append('\n'));
        // Deeper mounts after the ones they are under.
        List<String> targets = new ArrayList<>(mounts.keySet());
        targets.sort(java.util.Comparator.comparingInt(t -> Path.of(t).getNameCount()));
        for (String target : targets) {
            Path source = mounts.get(target);
            s.append(Files.isDirectory(source) ? "mkdir -p " + q(target) : "mkdir -p " + q(Path.of(target).getParent().toString())
                    + " && touch " + q(target)).append('\n');
            s.append("mount --bind ").append(q(source.toString())).append(' ').append(q(target)).append('\n');
        }
        s.append("cd ").append(q(workingDir != null ? workingDir : "/opt/flink")).append('\n');
        s.append("exec \"$@\"\n");
        return s.toString();
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The JVM Flink's image would start: {@code /docker-entrypoint.sh bash -c "kubernetes-*.sh ..."},
     * the script mapped to its entry point class, the JVM's memory from the TaskManager's resource
     * settings (as {@code BashJavaUtils} gives them to the scripts).
     */
    private List<String> command(Pod pod, Container main, Path dir, List<Service> services) throws IOException {
        List<String> words = new ArrayList<>();
        if (main.getCommand() != null) {
            words.addAll(main.getCommand());
        }
        if (main.getArgs() != null) {
            words.addAll(main.getArgs());
        }
        if (!words.isEmpty() && words.get(0).endsWith("docker-entrypoint.sh")) {
            words.remove(0);
        }
        if (words.size() == 3 && words.get(0).equals("bash") && words.get(1).equals("-c")) {
            words = ShellWords.split(words.get(2));
        }
        if (words.isEmpty()) {
            throw new IllegalStateException("no command");
        }
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + image.jvmArgs()));
        java.add("-Djdk.net.hosts.file=" + hostsFile(dir, services));
        java.add("-Djdk.lang.Process.launchMechanism=VFORK");
        java.add("-Dlog.file=/opt/flink/log/" + pod.getMetadata().getName() + ".log");
        java.add("-Dlog4j.configurationFile=file:/opt/flink/conf/log4j-console.properties");
        List<String> args = words.subList(1, words.size());
        switch (words.get(0)) {
            case "kubernetes-jobmanager.sh" -> {
                String target = args.isEmpty() ? "" : args.get(0);
                String main0 = switch (target) {
                    case "kubernetes-session" -> "org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint";
                    case "kubernetes-application" -> "org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint";
                    default -> throw new IllegalStateException("kubernetes-jobmanager.sh: unknown target '" + target + "'");
                };
                java.addAll(List.of("-Xmx512m", "-Xms128m", "-XX:MaxMetaspaceSize=256m", "-cp", image.classpath(), main0));
                java.addAll(args.subList(1, args.size()));
            }
            case "kubernetes-taskmanager.sh" -> {
                java.addAll(TaskManagerMemory.jvmOptions(args));
                java.addAll(List.of("-cp", image.classpath(), "org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner",
                        "--configDir", "/opt/flink/conf"));
                java.addAll(args);
                // Its own RPC port: on a cluster each pod has its own IP, here they share one.
                java.addAll(List.of("-D", "taskmanager.rpc.port=" + freePort()));
            }
            default -> throw new IllegalStateException(words.get(0) + ": not a command of Flink's image");
        }
        return java;
    }

    private Path hostsFile(Path dir, List<Service> services) throws IOException {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n");
        String ns = kube.namespace();
        for (Service s : services) {
            String n = s.getMetadata().getName();
            hosts.append("127.0.0.1 ").append(String.join(" ", n, n + "." + ns, n + "." + ns + ".svc",
                    n + "." + ns + ".svc.cluster.local")).append('\n');
        }
        return Files.writeString(dir.resolve("hosts"), hosts);
    }

    private Map<String, String> environment(Pod pod, Container main) {
        Map<String, String> env = new LinkedHashMap<>();
        // The image's environment.
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", "/tmp");
        env.put("FLINK_HOME", "/opt/flink");
        env.put("FLINK_CONF_DIR", "/opt/flink/conf");
        env.put("FLOE_HOME", "/opt/floe");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // In a cluster a pod reaches the API server at kubernetes.default.svc with its service
        // account's token (KUBERNETES_SERVICE_HOST, https); here it is the mock server, over http.
        env.put("KUBERNETES_MASTER", kube.client().getMasterUrl().toString());
        for (EnvVar e : main.getEnv() == null ? List.<EnvVar>of() : main.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
            } else if (e.getValueFrom().getFieldRef() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (field) {
                    case "metadata.name" -> pod.getMetadata().getName();
                    case "metadata.namespace" -> pod.getMetadata().getNamespace();
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    case "spec.nodeName" -> NODE;
                    default -> throw new IllegalStateException("env " + e.getName() + ": field " + field + " not played");
                });
            } else if (e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                Secret s = client.secrets().withName(ref.getName()).get();
                String value = s == null ? null : secretData(s).get(ref.getKey());
                if (value == null) {
                    if (Boolean.TRUE.equals(ref.getOptional())) {
                        continue;
                    }
                    throw new Waiting("CreateContainerConfigError: secret " + ref.getName() + " key " + ref.getKey());
                }
                env.put(e.getName(), value);
            } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                ConfigMap cm = client.configMaps().withName(ref.getName()).get();
                String value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
                if (value == null) {
                    throw new Waiting("CreateContainerConfigError: configmap " + ref.getName() + " key " + ref.getKey());
                }
                env.put(e.getName(), value);
            } else {
                throw new IllegalStateException("env " + e.getName() + ": source not played");
            }
        }
        return env;
    }

    /** A Secret's values: its data, and its stringData (which the API server would have moved into data). */
    private static Map<String, String> secretData(Secret s) {
        Map<String, String> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, val) -> data.put(k, new String(Base64.getDecoder().decode(val), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            data.putAll(s.getStringData());
        }
        return data;
    }

    private void status(Pod pod, String phase, Integer exitCode) {
        Pod current = client.pods().withName(pod.getMetadata().getName()).get();
        if (current == null) {
            return;
        }
        var container = new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
                .withImage(pod.getSpec().getContainers().get(0).getImage());
        switch (phase) {
            case "Pending" -> container.withReady(false).withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState();
            case "Running" -> container.withReady(true).withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState();
            default -> container.withReady(false).withNewState().withNewTerminated().withExitCode(exitCode)
                    .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().endState();
        }
        // Scheduled on this node from the start (Flink counts a TaskManager pod as started once it is).
        List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new ArrayList<>();
        String now = Instant.now().toString();
        conditions.add(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("PodScheduled").withStatus("True")
                .withLastTransitionTime(now).build());
        String ready = "Running".equals(phase) ? "True" : "False";
        for (String type : List.of("Initialized", "ContainersReady", "Ready")) {
            conditions.add(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType(type)
                    .withStatus(type.equals("Initialized") ? "True" : ready).withLastTransitionTime(now).build());
        }
        current.setStatus(new PodStatusBuilder().withPhase(phase).withPodIP("127.0.0.1").withHostIP("127.0.0.1")
                .withConditions(conditions).withContainerStatuses(container.build()).build());
        current.getSpec().setNodeName(NODE);
        try {
            client.pods().resource(current).updateStatus();
        } catch (RuntimeException e) {
            // deleted meanwhile
        }
    }

    private void event(Pod pod, String what) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String component = labels == null ? "" : labels.getOrDefault("component", "");
        events.add(new PodEvent(Instant.now(), pod.getMetadata().getName(), component, what));
    }

    /** SIGTERM to the pod's process and its children, SIGKILL after the grace period. */
    private static void kill(Process process) {
        List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        Stream.concat(Stream.of(process.toHandle()), process.descendants()).forEach(ProcessHandle::destroyForcibly);
        process.toHandle().onExit().join();
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops playing the node: every process still running is killed (a test checks none was left to it). */
    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.values().forEach(r -> kill(r.process()));
        running.clear();
    }
}

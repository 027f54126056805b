package floe.jobs.kubernetes.kubelet;

import floe.jobs.FloeRun;
import floe.testutils.TestingFlinkCluster;
import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mock API server and the test kubelet playing a one-node cluster, with Floe's image as the
 * Dockerfile makes it (the jobs jar in {@code /opt/flink/usrlib}, the reference case's scripts in
 * {@code /opt/floe/process-data}, Flink's jars of this build), the Secret the pod templates name,
 * and the claim {@code pvc-oss} a local directory.
 */
public final class KubeletCluster implements AutoCloseable {
    public static final Path HOME = TestingFlinkCluster.floeHome();

    public final TestingKubernetesApi kube;
    public final TestingKubelet kubelet;

    private KubeletCluster(TestingKubernetesApi kube, TestingKubelet kubelet) {
        this.kube = kube;
        this.kubelet = kubelet;
    }

    public static KubeletCluster start(Path dir, Path volume) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(mountNamespaces(),
                "the test kubelet runs each pod in a mount namespace of its own (unshare --mount): root, or a user allowed to make them");
        TestingKubernetesApi kube = TestingKubernetesApi.start(Files.createDirectories(dir), "batch");
        kube.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("oss-credentials").endMetadata()
                .addToStringData("access-key-id", "unused-id").addToStringData("access-key-secret", "unused-secret").build()).create();
        Path lib = HOME.resolve("jobs/target/flink-lib");
        assertThat(lib.resolve("flink-bundle.jar")).as("built with mvn package").exists();
        TestingKubelet.Image image = new TestingKubelet.Image(lib.resolve("*") + ":" + HOME.resolve("jobs/target/cluster-lib/*"),
                HOME.resolve("conf/flink-jvm.args"), Map.of(
                        "/opt/flink/usrlib/floe-jobs.jar", HOME.resolve("jobs/target/floe-jobs.jar"),
                        "/opt/floe/process-data", HOME.resolve("conf/examples/process-data")));
        TestingKubelet kubelet = TestingKubelet.start(kube, Files.createDirectories(dir.resolve("node")), image,
                Map.of("pvc-oss", volume));
        return new KubeletCluster(kube, kubelet);
    }

    /** Whether this user can make the mount namespaces the test kubelet runs pods in. */
    private static boolean mountNamespaces() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** {@code floe submit --target TARGET} of {@code file}, with this cluster's kubeconfig and free ports for the JobManager. */
    public FloeRun submit(String target, String clusterId, Path file, Map<String, String> settings, String... more) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("kubernetes.config.file", kube.kubeconfig().toString());
        all.put("kubernetes.namespace", kube.namespace());
        all.put("kubernetes.cluster-id", clusterId);
        all.put("kubernetes.container.image.ref", "floe:test");
        all.put("rest.port", Integer.toString(TestingFlinkCluster.freePort()));
        all.put("jobmanager.rpc.port", Integer.toString(TestingFlinkCluster.freePort()));
        all.put("blob.server.port", Integer.toString(TestingFlinkCluster.freePort()));
        // What bin/floe runs from, and so ships to a session: the packaged jobs jar (this JVM runs from the module's classes).
        all.put("floe.kubernetes.client-jar", HOME.resolve("jobs/target/floe-jobs.jar").toString());
        all.putAll(settings);
        List<String> args = new ArrayList<>(List.of("submit", "--target", target));
        all.forEach((k, v) -> args.addAll(List.of("-D", k + "=" + v)));
        args.add(file.toString());
        args.addAll(List.of("--conf-dir", HOME.resolve("conf/kubernetes").toString()));
        args.addAll(List.of(more));
        return FloeRun.of(args.toArray(String[]::new));
    }

    /**
     * A directory kept after the test (the pods' output, volumes, commands), emptied first:
     * {@code target/kubelet/NAME}.
     */
    public static Path logDir(String name) throws java.io.IOException {
        Path dir = Path.of("target/kubelet", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    public void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\nkubelet problems: "
                        + kubelet.problems() + "\npod events:\n" + kubelet.events().stream().map(Object::toString)
                        .collect(java.util.stream.Collectors.joining("\n")) + "\nobjects: "
                        + kube.objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Every process a pod ran, and their children, have ended: within 15 s, since a deleted pod's
     * process gets SIGTERM and 5 s before SIGKILL, as a kubelet gives it.
     */
    public void assertNoProcessLeft() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (kubelet.processes().stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        for (ProcessHandle p : kubelet.processes()) {
            assertThat(p.isAlive()).as("pod process " + p.pid() + " " + p.info().commandLine().orElse("")).isFalse();
        }
    }

    @Override
    public void close() {
        try {
            kubelet.close();
        } finally {
            kube.close();
        }
    }
}

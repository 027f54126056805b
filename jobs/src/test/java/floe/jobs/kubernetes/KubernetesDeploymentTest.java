package floe.jobs.kubernetes;

import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecOptions;

import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import floe.run.FloeOptions;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptionsInternal;
import org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Application and session deployment against a Kubernetes API server (fabric8's mock, CRUD
 * mode), with the project's own conf/kubernetes: what Flink creates carries the image, the
 * resources, the pod templates' volumes and the Secret env the user configured.
 */
class KubernetesDeploymentTest {
    static final Path CONF = Path.of("../conf/kubernetes");
    static final Path SIZED = Path.of("src/test/resources/kubernetes/sized.yaml");
    static final String IMAGE = "registry.example.com/floe:test";

    @TempDir
    Path tmp;

    TestingKubernetesApi kube;
    final StringWriter printed = new StringWriter();

    @BeforeEach
    void startApi() {
        kube = TestingKubernetesApi.start(tmp, "batch");
    }

    @AfterEach
    void stopApi() {
        kube.close();
    }

    Configuration conf(String clusterId) {
        return KubernetesConf.load(CONF, Map.of(
                "kubernetes.config.file", kube.kubeconfig().toString(),
                "kubernetes.namespace", kube.namespace(),
                "kubernetes.cluster-id", clusterId,
                "kubernetes.container.image.ref", IMAGE));
    }

    static KubernetesJob sizedWorkflow() {
        return KubernetesJob.workflow(ShippedSpec.of(SIZED, List.of(),
                SpecOptions.none().withVolumes(Map.of("workdir", "/mnt/vol")).withImageDir("/opt/floe/work")));
    }

    int submit(KubernetesTarget target, KubernetesJob job, Configuration conf) {
        return KubernetesSubmit.submit(target, job, conf, new PrintWriter(printed, true));
    }

    @Test
    void applicationClusterIsAJobManagerDeploymentWithItsConfigMapAndServices() {
        int exit = submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf("sized-app"));

        assertThat(exit).isZero();
        Deployment jm = kube.client().apps().deployments().withName("sized-app").get();
        assertThat(jm).as("JobManager Deployment").isNotNull();
        Container main = mainContainer(jm);
        assertThat(main.getImage()).isEqualTo(IMAGE);
        // JobManager resources as configured (conf/kubernetes: 1 CPU, 1600m).
        assertThat(main.getResources().getRequests()).containsEntry("cpu", new Quantity("1.0"));
        assertThat(Quantity.getAmountInBytes(main.getResources().getRequests().get("memory")).longValue())
                .isEqualTo(1600L << 20);
        // OSS credentials from the Secret, by reference, from the JobManager's pod template.
        assertThat(secretRefs(main)).containsExactlyInAnyOrder(
                "OSS_ACCESS_KEY_ID=oss-credentials/access-key-id", "OSS_ACCESS_KEY_SECRET=oss-credentials/access-key-secret");
        assertThat(jm.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("floe-flink");
        // The workflow's volume from the pod template, beside the volumes Flink adds (its configuration, the TaskManager template).
        assertThat(jm.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
                .contains("workdir", "flink-config-volume", "pod-template-volume");
        assertThat(jm.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("workdir"))
                .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("pvc-oss"));
        assertThat(main.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("workdir");
            assertThat(m.getMountPath()).isEqualTo("/mnt/vol");
        });

        assertThat(kube.client().services().withName("sized-app").get()).as("internal service").isNotNull();
        assertThat(kube.client().services().withName("sized-app-rest").get()).as("REST service").isNotNull();

        ConfigMap flinkConf = kube.client().configMaps().withName("flink-config-sized-app").get();
        assertThat(flinkConf).as("Flink configuration ConfigMap").isNotNull();
        Configuration cluster = ClusterConfig.of(flinkConf);
        // The application: Floe's entry class from the image's jar, the workflow shipped as an argument.
        assertThat(cluster.get(ApplicationConfiguration.APPLICATION_MAIN_CLASS)).isEqualTo(ClusterMain.class.getName());
        assertThat(cluster.get(PipelineOptions.JARS)).containsExactly("local:///opt/flink/usrlib/floe-jobs.jar");
        assertThat(cluster.get(FloeOptions.STAGE_RESOURCES)).isTrue();
        // The program follows its job (detached, it would get no result and fail the workflow).
        assertThat(cluster.get(org.apache.flink.configuration.DeploymentOptions.ATTACHED)).isTrue();
        // The TaskManagers' pod template travels with it, with the workflow's volume and the Secret env.
        String tmTemplate = kube.client().configMaps().withName("pod-template-sized-app").get().getData()
                .get("taskmanager-pod-template.yaml");
        assertThat(tmTemplate).contains("claimName: pvc-oss").contains("mountPath: /mnt/vol").contains("name: oss-credentials");
        assertThat(flinkConf.getData()).containsKey("log4j-console.properties");

        assertThat(printed.toString())
                .startsWith("floe: notice: sized.yaml:25:9: spec.templates[1].container.imagePullPolicy: no effect here: Floe pulls"
                        + " no images: commands run on this machine\n")
                .contains("application cluster 'sized-app' created in namespace 'batch' (image " + IMAGE + ")")
                .contains("TaskManager pods: 3 CPU");
    }

    @Test
    void withJobRecoveryTheJobManagerSchedulesWithAdaptiveBatchUnlessTheSettingsChooseOne() {
        Map<String, String> base = Map.of("kubernetes.config.file", kube.kubeconfig().toString(), "kubernetes.namespace", kube.namespace(),
                "kubernetes.container.image.ref", IMAGE, "high-availability.type", "kubernetes",
                "high-availability.storageDir", "file:///mnt/vol/flink-ha");
        Map<String, String> recovering = new java.util.HashMap<>(base);
        recovering.put("execution.batch.job-recovery.enabled", "true");
        Map<String, String> chosen = new java.util.HashMap<>(recovering);
        chosen.put("jobmanager.scheduler", "Default");

        assertThat(scheduler("recovering", recovering)).as("only AdaptiveBatch recovers finished tasks").isEqualTo("AdaptiveBatch");
        assertThat(scheduler("plain", base)).as("config.yaml's").isEqualTo("Default");
        assertThat(scheduler("chosen", chosen)).as("the settings' own").isEqualTo("Default");
    }

    /** The scheduler in the JobManager's configuration of an application cluster submitted with {@code settings}. */
    private String scheduler(String clusterId, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("kubernetes.cluster-id", clusterId);
        assertThat(submit(KubernetesTarget.APPLICATION, sizedWorkflow(), KubernetesConf.load(CONF, all))).isZero();
        return ClusterConfig.of(kube.client().configMaps().withName("flink-config-" + clusterId).get())
                .get(org.apache.flink.configuration.JobManagerOptions.SCHEDULER).name();
    }

    @Test
    void theShippedWorkflowInTheConfigMapIsTheUsersFile() {
        submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf("shipped"));

        Configuration cluster = ClusterConfig.of(kube.client().configMaps().withName("flink-config-shipped").get());
        List<String> args = cluster.get(ApplicationConfiguration.APPLICATION_ARGS);
        assertThat(args).hasSize(2).first().isEqualTo(ClusterMain.WORKFLOW);
        ShippedSpec spec = ShippedSpec.decode(args.get(1));
        assertThat(spec.name()).isEqualTo("sized.yaml");
        assertThat(spec.options().volumes()).containsEntry("workdir", "/mnt/vol");
        assertThat(spec.workflow(new Configuration()).stages()).extracting(s -> s.name()).containsExactly("split", "merge");
    }

    @Test
    void sessionClusterIsCreatedOnceAndReused() {
        Configuration conf = conf("floe-session");
        KubernetesJob job = sizedWorkflow();

        // Tests run from compiled classes, not the packaged jar a session submission ships: the
        // cluster is made, then the submission says what is missing.
        assertThatSubmitFails(() -> submit(KubernetesTarget.SESSION, job, conf), "ships the packaged jobs jar");
        Deployment jm = kube.client().apps().deployments().withName("floe-session").get();
        assertThat(jm).isNotNull();
        assertThat(mainContainer(jm).getImage()).isEqualTo(IMAGE);
        Configuration cluster = ClusterConfig.of(kube.client().configMaps().withName("flink-config-floe-session").get());
        assertThat(cluster.get(KubernetesConfigOptionsInternal.ENTRY_POINT_CLASS)).isEqualTo(KubernetesSessionClusterEntrypoint.class.getName());
        assertThat(cluster.getOptional(ApplicationConfiguration.APPLICATION_MAIN_CLASS)).isEmpty();
        assertThat(printed.toString()).contains("session cluster 'floe-session' created in namespace 'batch'");

        assertThatSubmitFails(() -> submit(KubernetesTarget.SESSION, job, conf), "ships the packaged jobs jar");
        assertThat(printed.toString()).contains("session cluster 'floe-session' in namespace 'batch' is running: submitting to it");
        assertThat(kube.client().apps().deployments().list().getItems()).hasSize(1);
    }

    @Test
    void aSessionTooSmallForAStageIsRefusedBeforeSubmitting() {
        // A session made for a workflow without resources has configured-size TaskManagers (2 CPU).
        KubernetesJob unsized = KubernetesJob.workflow(ShippedSpec.of(Path.of("src/test/resources/kubernetes/unsized.yaml"), List.of(),
                SpecOptions.none().withImageDir("/opt/flink")));
        assertThatSubmitFails(() -> submit(KubernetesTarget.SESSION, unsized, conf("small-session")), "ships the packaged jobs jar");

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> submit(KubernetesTarget.SESSION, sizedWorkflow(), conf("small-session")));
        assertThat(e.getMessage()).isEqualTo("stage 'merge' needs slots of cpu=3.0, heap=64Mi, off-heap=5120Mi, but session"
                + " cluster 'small-session' has TaskManagers of 2 CPU, task heap 2022 MiB, task off-heap 1024 MiB: stop it to have"
                + " it made again for this workflow, or use another kubernetes.cluster-id");
    }

    @Test
    void aSecondApplicationWithTheSameIdIsRefused() {
        submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf("twice"));
        assertThatSubmitFails(() -> submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf("twice")), "already exists");
    }

    @Test
    void aBadWorkflowFailsBeforeAnythingIsCreated() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: bad}
                spec:
                  entrypoint: mian
                  templates:
                    - name: main
                      container: {image: busybox, command: [echo]}
                """);
        KubernetesJob job = KubernetesJob.workflow(ShippedSpec.of(bad, List.of(), SpecOptions.none().withImageDir("/opt/flink")));

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> submit(KubernetesTarget.APPLICATION, job, conf("bad")));
        assertThat(e.getMessage()).contains("bad.yaml").contains("mian");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void aWorkflowTooLargeForTheConfigMapIsRefusedBeforeAnythingIsCreated() throws Exception {
        // Text that does not compress: a comment of random letters, about 1 MiB.
        java.util.Random random = new java.util.Random(42);
        StringBuilder noise = new StringBuilder("# ");
        for (int i = 0; i < 1 << 20; i++) {
            noise.append((char) ('a' + random.nextInt(26)));
        }
        Path big = tmp.resolve("big.yaml");
        java.nio.file.Files.writeString(big, java.nio.file.Files.readString(SIZED) + noise + "\n");
        KubernetesJob job = KubernetesJob.workflow(ShippedSpec.of(big, List.of(),
                SpecOptions.none().withVolumes(Map.of("workdir", "/mnt/vol")).withImageDir("/opt/flink")));

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> submit(KubernetesTarget.APPLICATION, job, conf("big")));
        assertThat(e.getMessage()).startsWith("workflow big.yaml: too large to ship with the submission (")
                .contains("at most 768 KiB");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void noImageIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path dir = confWithout("kubernetes.container.image.ref");
        Configuration conf = KubernetesConf.load(dir, Map.of(
                "kubernetes.config.file", kube.kubeconfig().toString(), "kubernetes.namespace", kube.namespace()));

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf));
        assertThat(e.getMessage()).startsWith("kubernetes.container.image.ref: not set: the pods run an image with Floe in it");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void anImageThatIsNoReferenceIsRefusedWithItsValue() {
        Configuration conf = conf("badimage");
        conf.setString("kubernetes.container.image.ref", "Registry.example.com/Floe Image:latest");

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> submit(KubernetesTarget.SESSION, sizedWorkflow(), conf));
        assertThat(e.getMessage()).isEqualTo("kubernetes.container.image.ref: 'Registry.example.com/Floe Image:latest' is not an"
                + " image reference ([HOST[:PORT]/]NAME[:TAG][@DIGEST], the name in lower case, e.g. registry.example.com/floe:0.1.0)");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void imageReferencesUsersWriteAreAccepted() {
        for (String image : List.of("floe:0.1.0", "registry.example.com:5000/team/floe:2026.12-rc1",
                "localhost/floe", "floe@sha256:" + "ab".repeat(32), "ghcr.io/a_b/c--d/floe:v1@sha256:" + "0f".repeat(32))) {
            Configuration conf = conf("ok");
            conf.setString("kubernetes.container.image.ref", image);
            ImageReference.check(conf);
        }
    }

    @Test
    void aPodTemplateThatDoesNotParseIsRefusedWithItsLine() throws Exception {
        Path dir = confWithout(null);
        java.nio.file.Files.writeString(dir.resolve("taskmanager-pod-template.yaml"), """
                apiVersion: v1
                kind: Pod
                spec:
                  containers:
                    - name: flink-main-container
                      volumeMounts: [{name: workdir, mountPath: /mnt/vol}
                  volumes:
                    - name: workdir
                """);

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> KubernetesConf.load(dir, Map.of("kubernetes.config.file", kube.kubeconfig().toString())));
        assertThat(e.getMessage()).startsWith(dir.resolve("taskmanager-pod-template.yaml").toAbsolutePath().normalize() + ":7:")
                .contains("kubernetes.pod-template-file.taskmanager: the pod template is not YAML");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void aPodTemplateThatIsNoPodIsRefused() throws Exception {
        Path dir = confWithout(null);
        Path template = dir.resolve("jobmanager-pod-template.yaml");
        java.nio.file.Files.writeString(template, """
                apiVersion: v1
                kind: Pod
                spec:
                  containers: flink-main-container
                """);

        floe.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class,
                () -> KubernetesConf.load(dir, Map.of()));
        assertThat(e.getMessage()).startsWith(template.toAbsolutePath().normalize() + ":4:")
                .contains("kubernetes.pod-template-file.jobmanager: not a Pod:");

        java.nio.file.Files.writeString(template, "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(floe.SpecException.class, () -> KubernetesConf.load(dir, Map.of()));
        assertThat(e.getMessage()).isEqualTo(template.toAbsolutePath().normalize()
                + ": kubernetes.pod-template-file.jobmanager: kind is 'Deployment': a pod template is a Pod");
    }

    @Test
    void aNamespaceTheAccountMayNotUseIsOneMessageAndLeavesNothing() {
        kube.forbid("locked");
        Configuration conf = conf("locked");
        conf.setString("kubernetes.namespace", "locked");

        floe.FloeException e = org.junit.jupiter.api.Assertions.assertThrows(floe.FloeException.class,
                () -> submit(KubernetesTarget.APPLICATION, sizedWorkflow(), conf));
        assertThat(e.getMessage()).startsWith("Kubernetes refused (403 Forbidden) in namespace 'locked'")
                .contains("is forbidden: User \"system:serviceaccount:default:floe-flink\" cannot get resource \"services\"")
                .contains("rbac.yaml")
                .doesNotContain("\n");
        kube.allow("locked");
        assertThat(kube.client().inNamespace("locked").apps().deployments().list().getItems()).isEmpty();
        assertThat(kube.client().inNamespace("locked").configMaps().list().getItems()).isEmpty();
        assertThat(kube.client().inNamespace("locked").services().list().getItems()).isEmpty();

        kube.forbid("locked");
        e = org.junit.jupiter.api.Assertions.assertThrows(floe.FloeException.class,
                () -> submit(KubernetesTarget.SESSION, sizedWorkflow(), conf));
        assertThat(e.getMessage()).startsWith("Kubernetes refused (403 Forbidden) in namespace 'locked'");
    }

    /** A copy of the project's conf/kubernetes, without {@code key} in its config.yaml (null: unchanged). */
    Path confWithout(String key) throws Exception {
        Path dir = tmp.resolve("conf-" + System.nanoTime());
        java.nio.file.Files.createDirectories(dir);
        try (var files = java.nio.file.Files.list(CONF)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        if (key != null) {
            Path config = dir.resolve("config.yaml");
            java.nio.file.Files.write(config, java.nio.file.Files.readAllLines(config).stream()
                    .filter(l -> !l.startsWith(key + ":")).toList());
        }
        return dir;
    }

    static void assertThatSubmitFails(org.junit.jupiter.api.function.Executable submit, String message) {
        floe.FloeException e = org.junit.jupiter.api.Assertions.assertThrows(floe.FloeException.class, submit);
        assertThat(e).isNotInstanceOf(floe.SpecException.class);
        assertThat(e.getMessage()).contains(message);
    }

    static Container mainContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container")).findFirst().orElseThrow();
    }

    static List<String> secretRefs(Container container) {
        return container.getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(KubernetesDeploymentTest::ref).toList();
    }

    private static String ref(EnvVar e) {
        return e.getName() + "=" + e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey();
    }
}

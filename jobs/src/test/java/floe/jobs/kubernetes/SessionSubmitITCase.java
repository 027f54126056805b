package floe.jobs.kubernetes;

import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecOptions;

import floe.testutils.TestingFlink;
import floe.testutils.TestingKubernetesApi;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow submitted to a running session cluster, end to end on the Flink side: Flink's
 * Kubernetes session executor finds the cluster through the Kubernetes API (the mock server, whose
 * REST Service is pointed at a real Flink, the MiniCluster), uploads the jobs jar with the job, and
 * the workflow runs there to its end.
 */
class SessionSubmitITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    Path tmp;

    TestingKubernetesApi kube;

    @BeforeEach
    void startApi() {
        kube = TestingKubernetesApi.start(tmp, "batch");
    }

    @AfterEach
    void stopApi() {
        kube.close();
    }

    @Test
    void aWorkflowRunsOnTheRunningSessionAndItsResultIsThere() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path file = Files.writeString(tmp.resolve("touch.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: touch}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: touch
                            template: touch
                            arguments: {parameters: [{name: item, value: "{{item}}"}]}
                            withSequence: {count: "4"}
                    - name: touch
                      inputs: {parameters: [{name: item}]}
                      container:
                        image: busybox
                        command: [sh, -c, 'echo done > %s/task-$1', sh, '{{inputs.parameters.item}}']
                """.formatted(out));
        KubernetesJob job = KubernetesJob.workflow(ShippedSpec.of(file, List.of(), SpecOptions.none().withImageDir(tmp.toString())));

        // The session is created (this build has no packaged jar to ship yet, so nothing is submitted) ...
        StringWriter printed = new StringWriter();
        KubernetesDeploymentTest.assertThatSubmitFails(() -> KubernetesSubmit.submit(KubernetesTarget.SESSION, job,
                conf(Map.of()), new PrintWriter(printed, true)), "ships the packaged jobs jar");
        // ... and its JobManager comes up: here, its REST Service leads to the MiniCluster.
        exposeOnThisMachine("floe-session-rest", FLINK.getClientConfiguration().get(RestOptions.PORT));

        int exit = KubernetesSubmit.submit(KubernetesTarget.SESSION, job,
                conf(Map.of(KubernetesOptions.CLIENT_JAR.key(), jobsJar().toString())), new PrintWriter(printed, true));

        assertThat(exit).isZero();
        assertThat(out.toFile().list()).containsExactlyInAnyOrder("task-0", "task-1", "task-2", "task-3");
        assertThat(printed.toString())
                .contains("session cluster 'floe-session' created in namespace 'batch'")
                .contains("session cluster 'floe-session' in namespace 'batch' is running: submitting to it")
                .contains("workflow touch.yaml succeeded on session cluster 'floe-session'");
        assertThat(kube.client().apps().deployments().list().getItems()).hasSize(1);
    }

    @Test
    void aFailedWorkflowOnTheSessionIsReportedAsItsTaskFailure() throws Exception {
        Path file = Files.writeString(tmp.resolve("fails.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: fails}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      container: {image: busybox, command: [sh, -c, 'echo broken >&2; exit 4']}
                """);
        KubernetesJob job = KubernetesJob.workflow(ShippedSpec.of(file, List.of(), SpecOptions.none().withImageDir(tmp.toString())));
        StringWriter printed = new StringWriter();
        KubernetesDeploymentTest.assertThatSubmitFails(() -> KubernetesSubmit.submit(KubernetesTarget.SESSION, job,
                conf(Map.of()), new PrintWriter(printed, true)), "ships the packaged jobs jar");
        exposeOnThisMachine("floe-session-rest", FLINK.getClientConfiguration().get(RestOptions.PORT));

        floe.TaskFailedException e = org.junit.jupiter.api.Assertions.assertThrows(floe.TaskFailedException.class,
                () -> KubernetesSubmit.submit(KubernetesTarget.SESSION, job,
                        conf(Map.of(KubernetesOptions.CLIENT_JAR.key(), jobsJar().toString())), new PrintWriter(printed, true)));
        assertThat(e.getMessage()).contains("stage 'main'").contains("exited with code 4").contains("broken");
        assertThat(printed.toString()).doesNotContain("succeeded");
    }

    private Configuration conf(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "kubernetes.config.file", kube.kubeconfig().toString(),
                "kubernetes.namespace", kube.namespace(),
                "rest.retry.max-attempts", "2"));
        settings.putAll(extra);
        return KubernetesConf.load(KubernetesDeploymentTest.CONF, settings);
    }

    /** Makes the Service a NodePort one on a node at 127.0.0.1, as a cluster on this machine would have it. */
    private void exposeOnThisMachine(String service, int port) {
        kube.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("here").endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress().endStatus()
                .build()).create();
        Service rest = kube.client().services().withName(service).get();
        rest.getSpec().setType("NodePort");
        rest.getSpec().getPorts().stream().filter(p -> p.getName().equals("rest")).forEach(p -> p.setNodePort(port));
        rest.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().endLoadBalancer().build());
        kube.client().services().resource(rest).update();
    }

    /** The jobs classes as a jar, standing in for jobs/target/floe-jobs.jar (built after the tests). */
    private Path jobsJar() throws IOException {
        Path classes = Path.of("target/classes");
        Path jar = tmp.resolve("floe-jobs.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}

package floe.jobs.kubernetes;

import floe.jobs.cli.FloeCli;
import floe.testutils.TestingKubernetesApi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code floe submit --target kubernetes-*} as a user types it: exit codes and messages. */
class KubernetesSubmitCommandTest {
    @TempDir
    Path tmp;

    TestingKubernetesApi kube;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void startApi() {
        kube = TestingKubernetesApi.start(tmp, "batch");
    }

    @AfterEach
    void stopApi() {
        kube.close();
    }

    int floe(String... args) {
        CommandLine cli = FloeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    String[] submit(String target, String file, String... more) {
        List<String> all = new ArrayList<>(List.of("submit", "--target", target,
                "-D", "kubernetes.config.file=" + kube.kubeconfig(), "-D", "kubernetes.namespace=batch", file,
                "--conf-dir", "../conf/kubernetes", "--volume", "workdir=/mnt/vol", "--image-dir", "/opt/floe/process-data"));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void theReferenceWorkflowGoesToAnApplicationClusterNamedAfterIt() {
        int exit = floe(submit("kubernetes-application", "../conf/examples/process-data/process-data.yaml"));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("process-data-l1          tasks=64")
                .contains("TaskManager pods: 2 CPU, 4096 MiB")
                .containsPattern("application cluster 'floe-process-data-[0-9a-f]{6}' created in namespace 'batch' \\(image floe:0.1.0\\)");
        assertThat(kube.client().apps().deployments().list().getItems()).singleElement()
                .satisfies(d -> assertThat(d.getMetadata().getName()).startsWith("floe-process-data-"));
    }

    @Test
    void theBatchDirectoryGoesToo() {
        int exit = floe(submit("kubernetes-application", "../conf/examples/process-data/batch", "-D", "kubernetes.cluster-id=batch-run"));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(kube.client().apps().deployments().withName("batch-run").get()).isNotNull();
    }

    @Test
    void anUnknownTargetIsABadInput() {
        int exit = floe(submit("yarn-application", "../conf/examples/process-data/process-data.yaml"));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--target yarn-application: no such target (known: rest, kubernetes-session, kubernetes-application)");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedWithoutEchoingIt() {
        int exit = floe(submit("kubernetes-application", "../conf/examples/process-data/process-data.yaml",
                "-D", "fs.oss.accessKeySecret=do-not-print-me"));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("fs.oss.accessKeySecret: credentials do not go in the Flink configuration")
                .doesNotContain("do-not-print-me");
        assertThat(out.toString()).doesNotContain("do-not-print-me");
        assertThat(kube.objects()).isEmpty();
    }

    @Test
    void aMissingConfigurationDirectoryIsNamed() {
        int exit = floe("submit", "--target", "kubernetes-session", "../conf/examples/process-data/process-data.yaml",
                "--conf-dir", tmp.resolve("nowhere").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("nowhere: no config.yaml");
    }
}

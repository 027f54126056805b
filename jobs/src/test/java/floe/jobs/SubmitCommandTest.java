package floe.jobs;

import floe.testutils.TestingFlinkCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code floe submit}'s checks that need no cluster: they fail before anything is sent. */
class SubmitCommandTest {
    @TempDir
    Path dir;

    /** Nothing listens here: a check that passed would fail on the connection instead. */
    private final String nobody = "http://127.0.0.1:" + TestingFlinkCluster.freePort();

    @Test
    void anUnknownTargetOrRestOptionsForKubernetesAreBadInput() {
        FloeRun k8s = FloeRun.of("submit", "--target", "kubernetes-application", "--rest", nobody, "conf/examples/dag/diamond.yaml");
        FloeRun unknown = FloeRun.of("submit", "--target", "yarn", "conf/examples/dag/diamond.yaml");

        assertThat(k8s.exitCode()).isEqualTo(2);
        assertThat(k8s.err().trim()).isEqualTo("floe: --target kubernetes-application: --rest, --jar and --detach are for"
                + " --target rest; the cluster comes from conf/kubernetes and the jar from the image");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().trim()).isEqualTo("floe: --target yarn: no such target (known: rest, kubernetes-session, kubernetes-application)");
    }

    @Test
    void aBadWorkflowFileFailsOnTheClientBeforeTheClusterIsCalled() {
        Path missing = dir.resolve("missing.yaml");

        FloeRun run = FloeRun.of("submit", "--rest", nobody, missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("floe: " + missing).doesNotContain("REST");
    }

    @Test
    void badTreeMergeInputFailsOnTheClientBeforeTheClusterIsCalled() {
        Path missing = dir.resolve("nothing-here");

        FloeRun run = FloeRun.of("submit", "--rest", nobody, "tree-merge", "--input", missing.toString(),
                "--work", dir.resolve("work").toString(), "--output", dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().trim()).isEqualTo("floe: --input " + new org.apache.flink.core.fs.Path(missing.toUri()).toString().replaceAll("/$", "")
                + ": no such directory");
    }

    @Test
    void aMistakeInTheJobsOwnOptionsIsBadInput() {
        FloeRun run = FloeRun.of("submit", "--rest", nobody, "tree-merge", "--input", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().trim()).isEqualTo("floe: tree-merge: Missing required options: '--work=URI', '--output=URI'");
    }

    @Test
    void aDetachedWorkflowWithAnExitHandlerIsRefusedBeforeAnythingIsSent() {
        String spec = TestingFlinkCluster.floeHome().resolve("conf/examples/exit-handler/exit-handler.yaml").toString();

        FloeRun run = FloeRun.of("submit", "--rest", nobody, "--detach", spec);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().trim()).endsWith("has an exit handler (onExit), which runs after the workflow ends; submit it without --detach");
    }
}

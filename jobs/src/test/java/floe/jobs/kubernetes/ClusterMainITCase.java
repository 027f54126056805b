package floe.jobs.kubernetes;

import floe.jobs.spec.ShippedSpec;
import floe.jobs.spec.SpecOptions;

import floe.FloeException;
import floe.TaskFailedException;
import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The program an application cluster's JobManager runs, on a Flink cluster that launched it (as
 * Flink's application mode does): the shipped workflow runs there, and a failure ends the program
 * with an exception rather than exiting the JobManager's JVM.
 */
class ClusterMainITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    Path tmp;

    private Path workflow(String name, String command) throws Exception {
        return Files.writeString(tmp.resolve(name + ".yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: %s}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: touch
                            template: touch
                            arguments: {parameters: [{name: item, value: "{{item}}"}]}
                            withSequence: {count: "3"}
                    - name: touch
                      inputs: {parameters: [{name: item}]}
                      container:
                        image: busybox
                        command: [sh, -c, '%s', sh, '{{inputs.parameters.item}}']
                """.formatted(name, command));
    }

    private static String[] shipped(Path file) {
        ShippedSpec spec = ShippedSpec.of(file, List.of(), SpecOptions.none().withImageDir(file.getParent().toString()));
        return KubernetesJob.workflow(ShippedSpec.decode(spec.encode())).programArgs().toArray(String[]::new);
    }

    @Test
    void theShippedWorkflowRunsOnTheClusterThatLaunchedIt() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        ClusterMain.main(shipped(workflow("touch", "echo done > " + out + "/task-$1")));

        assertThat(out.toFile().list()).containsExactlyInAnyOrder("task-0", "task-1", "task-2");
        assertThat(Files.readString(out.resolve("task-2"))).isEqualTo("done\n");
    }

    @Test
    void aFailedWorkflowEndsTheProgramWithItsFailure() throws Exception {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> ClusterMain.main(shipped(workflow("fails", "exit 3"))));
        assertThat(e.getMessage()).contains("stage 'touch'").contains("exited with code 3");
    }

    @Test
    void aFloeCommandThatFailsEndsTheProgramWithItsExitCode() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "kind: Workflow\nspec: {entrypoint: nowhere}\n");
        FloeException e = assertThrows(FloeException.class, () -> ClusterMain.main(new String[] {"floe", "lint", bad.toString()}));
        assertThat(e.getMessage()).isEqualTo("floe lint " + bad + ": exit code 2");
    }
}

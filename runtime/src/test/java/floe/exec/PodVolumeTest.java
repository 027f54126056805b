package floe.exec;

import floe.model.Command;
import floe.model.Stage;
import floe.model.TaskCompletion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A volume that is already at its mount path (a Kubernetes pod template mounts it there, and the
 * workflow is run with {@code --volume workdir=/mnt/vol}) needs no mount namespace: the command
 * runs directly, also where pods may not make mount namespaces.
 */
class PodVolumeTest {
    @TempDir
    Path logs;

    @TempDir
    Path volume;

    private TaskCompletion run(Stage stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, logs)) {
            return executor.run(0, List.of());
        }
    }

    @Test
    void aVolumeAtItsOwnPathIsUsedInPlace() throws Exception {
        String at = volume.toString();
        Stage stage = Stage.named("in-place").command(ctx -> Command.of("sh", "-c", "echo written > out.txt")
                .withWorkingDir(at).withMounts(List.of(new Command.Mount(at, at)))).build();

        run(stage);

        assertThat(volume.resolve("out.txt")).hasContent("written");
    }

    @Test
    void noMountNamespaceWrapsTheCommand() {
        // Started directly, a missing program is the JVM's own error, not the mount wrapper's.
        String at = volume.toString();
        Stage stage = Stage.named("in-place").command(ctx -> Command.of("no-such-program-floe")
                .withMounts(List.of(new Command.Mount(at + "/", at)))).build();

        assertThatThrownBy(() -> run(stage)).hasMessageContaining("cannot run 'no-such-program-floe': Cannot run program");
        assertThat(Files.exists(volume.resolve("no-such-program-floe"))).isFalse();
    }
}

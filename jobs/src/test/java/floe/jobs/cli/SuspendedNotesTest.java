package floe.jobs.cli;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress display's note of a suspended stage, from the suspend directory as a waiting task leaves it. */
class SuspendedNotesTest {
    @TempDir
    Path dir;

    private void suspended(String run, String node, long pid) throws Exception {
        Files.createDirectories(dir.resolve(run));
        Files.writeString(dir.resolve(run).resolve(node + ".suspended"), "run=" + run + "\nnode=" + node + "\npid=" + pid
                + "\nsince=" + Instant.now().toString().replace(":", "\\:") + "\nuntil=\nparameters=\n");
    }

    @Test
    void aStageOfThisWorkflowWithATaskWaitingSaysHowToResumeIt() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("floe.argo.suspend-dir", dir.toString());
        SuspendedNotes notes = SuspendedNotes.of(conf, "approval");
        suspended("approval-0a1b2c3d", "outer.approve", ProcessHandle.current().pid());
        suspended("approval-0a1b2c3d", "gone", Long.MAX_VALUE / 2); // no such process: a killed run's leftover
        suspended("other-0a1b2c3d", "approve", ProcessHandle.current().pid());

        assertThat(notes.apply("outer.approve")).isEqualTo("suspended until resumed: floe resume approval-0a1b2c3d --node outer.approve");
        assertThat(notes.apply("gone")).isNull();
        assertThat(notes.apply("approve")).isNull();
        assertThat(dir.resolve("approval-0a1b2c3d/gone.suspended")).doesNotExist();
    }
}

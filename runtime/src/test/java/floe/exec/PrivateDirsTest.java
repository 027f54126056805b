package floe.exec;

import floe.run.FloeOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Task logs are the user's: by default under the home directory, and every directory created for them is 0700. */
class PrivateDirsTest {
    @TempDir
    Path dir;

    @Test
    void directoriesCreatedForTaskLogsAreTheUsersAlone() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stage = PrivateDirs.create(dir.resolve("logs/workflow/stage"));
        for (Path p : new Path[] {dir.resolve("logs"), dir.resolve("logs/workflow"), stage}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("an existing parent keeps its mode")
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void theDefaultIsInTheHomeDirectoryNotTheSharedTemporaryOne() {
        String logs = FloeOptions.TASK_LOG_DIR.defaultValue();
        assertThat(logs).isEqualTo(System.getProperty("user.home") + "/.floe/task-logs")
                .doesNotStartWith(System.getProperty("java.io.tmpdir"));
    }
}

package floe.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The same, with the launcher starting the commands itself (where this JVM cannot spawn them: {@code floe.exec.spawn=false}). */
class LauncherItselfTest extends LauncherTest {
    private Launcher own;

    @BeforeEach
    void startOwn() throws Exception {
        own = Launcher.start(CommandRunner.STARTER, false);
    }

    @AfterEach
    void stopOwn() {
        own.handle().destroyForcibly();
    }

    @Override
    Launcher launcher() {
        return own;
    }

    @Override
    void thisJvmSpawnsItsCommandsWhereTheCLibraryAllows() {
        // not this launcher's way
    }

    @Override
    void theHandleOfACommandReapedBeforeAnyoneAskedIsEnded() {
        // the launcher reaps its commands itself: the handle of one it started is asked of it while it runs
    }
}

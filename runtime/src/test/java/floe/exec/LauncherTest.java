package floe.exec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Commands started from the launcher behave as commands the JDK starts, and nothing of one outlives it. */
class LauncherTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void launcherHere() {
        assumeTrue(Launcher.get() != null, "no launcher here (not root, no PID namespace or no perl)");
    }

    /** The launcher the commands of a test start from: this JVM's, which spawns them itself where it can. */
    Launcher launcher() {
        return Launcher.get();
    }

    @Test
    void argvEnvironmentDirectoryAndExitCodeAreTheCommands() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work dir"));
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        String script = "printf '%s|%s|%s|%s|%s' \"$0\" \"$1\" \"$#\" \"$FLOE_T\" \"$(pwd)\"; echo oops >&2; exit 3";
        Process p = launcher().start("/bin/sh", List.of("sh", "-c", script, "a b", "x\ny", ""),
                Map.of("FLOE_T", "é = 1"), work.toString(), out, err, false);

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(Files.readString(out.toPath())).isEqualTo("a b|x\ny|2|é = 1|" + work);
        assertThat(Files.readString(err.toPath())).isEqualTo("oops\n");
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void itInheritsThisJvmsEnvironmentAndEmptyStandardInput() throws Exception {
        File out = dir.resolve("out").toFile();
        Process p = launcher().start("/bin/sh", List.of("sh", "-c", "echo \"$PATH\"; cat; echo end"), Map.of(), null, out,
                dir.resolve("err").toFile(), false);
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(out.toPath())).isEqualTo(System.getenv("PATH") + "\nend\n");
    }

    @Test
    void appendKeepsWhatTheFilesHeld() throws Exception {
        File out = dir.resolve("out").toFile();
        Files.writeString(out.toPath(), "first\n");
        Process p = launcher().start("/bin/echo", List.of("echo", "second"), Map.of(), null, out, dir.resolve("err").toFile(), true);
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(out.toPath())).isEqualTo("first\nsecond\n");
    }

    @Test
    void aProgramThatCannotRunIsAnIoExceptionSayingWhy() throws Exception {
        Path notExecutable = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        assertThatThrownBy(() -> launcher().start(notExecutable.toString(), List.of("script"), Map.of(), null,
                dir.resolve("out").toFile(), dir.resolve("err").toFile(), false))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot run " + notExecutable).hasMessageContaining("ermission denied");
        assertThatThrownBy(() -> launcher().start("/bin/true", List.of("true"), Map.of(), dir.resolve("nowhere").toString(),
                dir.resolve("out").toFile(), dir.resolve("err").toFile(), false))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot change to directory " + dir.resolve("nowhere"));
    }

    @Test
    void aCommandIsBornInTheLaunchersNamespaceWithNoDescriptorOfThisJvm() throws Exception {
        File out = dir.resolve("out").toFile();
        Process p = launcher().start("/bin/sh", List.of("sh", "-c", "echo $$; ls /proc/self/fd"), Map.of(), null, out,
                dir.resolve("err").toFile(), false);
        long hostPid = p.pid();
        ProcessHandle parent = p.toHandle().parent().orElseThrow();
        assertThat(p.waitFor()).isZero();

        List<String> lines = Files.readAllLines(out.toPath());
        assertThat(Long.parseLong(lines.get(0))).as("its pid in the launcher's namespace").isNotEqualTo(hostPid);
        // 3 is the directory ls reads.
        assertThat(lines.subList(1, lines.size())).as("the descriptors of a program it starts").containsExactly("0", "1", "2", "3");
        if (launcher().spawns()) {
            assertThat(parent).as("spawned by this JVM").isEqualTo(ProcessHandle.current());
        } else {
            assertThat(parent.parent()).as("the launcher's, under its unshare").contains(launcher().handle());
        }
    }

    @Test
    void thisJvmSpawnsItsCommandsWhereTheCLibraryAllows() throws Exception {
        assumeTrue(System.getProperty("os.arch").matches("amd64|aarch64"), "another architecture");
        Process getconf = new ProcessBuilder("getconf", "GNU_LIBC_VERSION").start();
        String version = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim(); // "glibc 2.36"
        assumeTrue(version.matches("glibc 2\\.(3[4-9]|[4-9]\\d)"), "not glibc 2.34 or later: " + version);

        assertThat(Launcher.get().spawns()).isTrue();
    }

    @Test
    void aKillReachesWhatTheCommandStartedInTheBackground() throws Exception {
        String marker = "floe-launcher-kill-" + ProcessHandle.current().pid();
        Process p = launch(launcher(), "/bin/bash", "bash", "-c", "(exec -a " + marker + " sleep 300) & sleep 300; echo done");
        awaitRunning(marker);

        p.destroyForcibly();

        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
        // The group's kill is sent before the command's end is told, but a killed process still has
        // to be scheduled to die: on a busy machine it can show a moment longer.
        awaitGone(() -> !running(marker).isEmpty());
        assertThat(running(marker)).as("the background process").isEmpty();
        assertThat(Files.readString(dir.resolve("out"))).isEmpty();
    }

    @Test
    void whatACommandLeavesBehindEndsWithIt() throws Exception {
        String marker = "floe-launcher-left-" + ProcessHandle.current().pid();
        // The subshell exits at once: its sleep is an orphan, no descendant of the command any more.
        Process p = launch(launcher(), "/bin/bash", "bash", "-c", "( (exec -a " + marker + " sleep 300) & ); sleep 1");
        awaitRunning(marker);

        assertThat(p.waitFor()).isZero();

        awaitGone(() -> !running(marker).isEmpty());
        assertThat(running(marker)).as("left behind").isEmpty();
    }

    @Test
    void commandsRunSideBySide() throws Exception {
        // Each waits for a file that appears only once all of them run.
        Path go = dir.resolve("go");
        List<Process> all = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(launcher().start("/bin/sh", List.of("sh", "-c", "while [ ! -e '" + go + "' ]; do sleep 0.05; done"), Map.of(), null,
                    dir.resolve("out" + i).toFile(), dir.resolve("err" + i).toFile(), false));
        }
        assertThat(all).as("running at once").allMatch(Process::isAlive);
        Files.createFile(go);
        for (Process p : all) {
            assertThat(p.waitFor()).isZero();
        }
    }

    @Test
    void aKilledLauncherTakesItsCommandsWithItAndTheNextCommandGetsANewOne() throws Exception {
        Launcher launcher = launcher();
        Process p = launch(launcher, "/bin/sleep", "sleep", "300");
        ProcessHandle sleep = p.toHandle();

        launcher.handle().destroyForcibly();
        launcher.handle().onExit().get(10, TimeUnit.SECONDS);

        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("ended with its launcher").isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
        awaitGone(sleep::isAlive);
        assertThat(sleep.isAlive()).as("the command").isFalse();
        assertThatThrownBy(() -> launch(launcher, "/bin/true", "true")).isInstanceOf(Launcher.Gone.class);
        for (int i = 0; i < 4; i++) { // whichever launcher each gets
            Process next = launch(Launcher.get(), "/bin/true", "true");
            assertThat(next.waitFor()).isZero();
        }
    }

    /** As the JVM stops: nothing it ran is left, and no thread is left reading it (a JVM waits at exit for threads in reads). */
    @Test
    void anEndedLauncherTakesItsCommandsWithItAndLeavesNoThreadReadingIt() throws Exception {
        Launcher launcher = launcher();
        Process p = launch(launcher, "/bin/sleep", "sleep", "300");
        ProcessHandle sleep = p.toHandle();

        Launcher.end(List.of(launcher));

        assertThat(launcher.handle().isAlive()).as("the launcher").isFalse();
        assertThat(launcher.readers()).as("its readers").noneMatch(Thread::isAlive);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("ended with its launcher").isTrue();
        awaitGone(sleep::isAlive);
        assertThat(sleep.isAlive()).as("the command").isFalse();
        assertThatThrownBy(() -> launch(launcher, "/bin/true", "true")).isInstanceOf(Launcher.Gone.class);
    }

    /** A handle asked for only after the command ended and was reaped is an ended one: its pid may be another's by then. */
    @Test
    void theHandleOfACommandReapedBeforeAnyoneAskedIsEnded() throws Exception {
        Process p = launch(launcher(), "/bin/true", "true");
        assertThat(p.waitFor()).isZero();

        ProcessHandle handle = p.toHandle();

        assertThat(handle.pid()).isEqualTo(p.pid());
        assertThat(handle.isAlive()).isFalse();
        assertThat(handle.descendants()).isEmpty();
        assertThat(handle.destroyForcibly()).isFalse();
        assertThat(handle.onExit()).isDone();
        assertThat(p.toHandle()).isSameAs(handle);
    }

    /** Starts {@code file} with {@code argv}, this JVM's environment and directory, output to out and err in the test's directory. */
    private Process launch(Launcher launcher, String file, String... argv) throws Exception {
        return launcher.start(file, List.of(argv), Map.of(), null, dir.resolve("out").toFile(), dir.resolve("err").toFile(), false);
    }

    /** Waits up to 5 s for {@code alive} to turn false. */
    private static void awaitGone(java.util.concurrent.Callable<Boolean> alive) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (alive.call() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    private static void awaitRunning(String marker) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (running(marker).isEmpty()) {
            assertThat(System.nanoTime()).as(marker + " started").isLessThan(until);
            Thread.sleep(10);
        }
    }

    /** The pids of running (not zombie) processes whose argv[0] is {@code marker}. */
    private static List<Long> running(String marker) throws IOException {
        List<Long> found = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    byte[] cmdline = Files.readAllBytes(p.resolve("cmdline"));
                    String stat = Files.readString(p.resolve("stat"));
                    String argv0 = new String(cmdline, StandardCharsets.UTF_8).split("\0", 2)[0];
                    if (argv0.equals(marker) && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return found;
    }
}

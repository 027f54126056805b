package floe.exec;

import floe.model.Command;
import floe.model.Stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A command's processes die with the JVM that runs them, even when that JVM is killed with SIGKILL and nothing of it runs to clean up. */
class ProcessTiesTest {
    @TempDir
    Path dir;

    /** Runs one command task in this JVM: {@code DIR [MOUNTED]}; with a volume when MOUNTED is given. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String script = "sleep 300 & echo start >> " + (args.length > 1 ? "/floe-ties-vol" : dir) + "/ran; sleep 6; echo done >> "
                + (args.length > 1 ? "/floe-ties-vol" : dir) + "/ran";
        Command command = Command.of("sh", "-c", script);
        if (args.length > 1) {
            command = command.withMounts(List.of(new Command.Mount(dir.toString(), "/floe-ties-vol")));
        }
        Command c = command;
        Stage stage = Stage.named("s").command(ctx -> c).build();
        try (TaskExecutor executor = new TaskExecutor("wf", Map.of(), stage, dir.resolve("logs"))) {
            executor.run(0, List.of());
        }
    }

    @Test
    void aCommandAndWhatItLeftInTheBackgroundDieWithAJvmKilledWithSigkill() throws Exception {
        killedMidway(false);
    }

    @Test
    void soDoesACommandWithAVolume() throws Exception {
        killedMidway(true);
    }

    private void killedMidway(boolean mounted) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ProcessTiesTest.class.getName(), dir.toString()));
        if (mounted) {
            argv.add("mounted");
        }
        Process jvm = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("jvm.log").toFile()).start();
        Path ran = dir.resolve("ran");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(ran) && Files.readString(ran).contains("start"))) {
            assertThat(jvm.isAlive()).as("the JVM runs: " + dir.resolve("jvm.log")).isTrue();
            assertThat(System.nanoTime()).as("the command started").isLessThan(until);
            Thread.sleep(20);
        }
        List<ProcessHandle> commands = jvm.descendants().toList();
        assertThat(commands).as("the command's processes").isNotEmpty();

        jvm.destroyForcibly(); // SIGKILL to the JVM alone: no shutdown hook runs, its children are not signalled
        jvm.waitFor();

        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (commands.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) {
            Thread.sleep(20);
        }
        assertThat(commands).as("processes left running").noneMatch(ProcessTiesTest::running);
        Thread.sleep(7_000); // past the command's own end, had it run on
        assertThat(Files.readAllLines(ran)).containsExactly("start");
    }

    /** Alive and not a zombie (an orphan's zombie waits for init to collect it). */
    private static boolean running(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

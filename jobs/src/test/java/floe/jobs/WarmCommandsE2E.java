package floe.jobs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/floe run}, {@code tree-merge} and {@code demo} with the warm local Flink up: the shell
 * hands the command to the warm JVM and starts no JVM of its own (here every JVM it could start is
 * given an option no JVM takes), with the shell's working directory, standard output and error and
 * exit code; a shell that goes away stops its command.
 */
class WarmCommandsE2E {
    private static final Path FLOE = Path.of("../bin/floe").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {}

    @AfterEach
    void down() throws Exception {
        floe(dir, Map.of(), "down");
    }

    @Test
    void theWarmJvmRunsTheShellsCommandsWhereTheyWereTyped() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Outcome gen = floe(work, Map.of(), "generate", "--out", "data", "--files", "16", "--records", "300");
        assertThat(gen.exit()).as(gen.err()).isZero();
        Path classes = dir.resolve("classes.log");
        Outcome embedded = floe(work, Map.of("FLOE_JAVA_OPTS", "-Xmx4g -Xlog:class+load=info:file=" + classes), "tree-merge",
                "-D", "floe.warm=false", "--input", "data/level-0", "--work", "w0", "--output", "o0");
        assertThat(embedded.exit()).as(embedded.err()).isZero();
        // Its Flink's components called each other within the JVM: no actor system, not one class
        // of Pekko's loaded (only the service loader's look at Flink's RPC loaders), nor a copy of
        // Flink's RPC jar made in a temporary directory.
        List<String> loaded = Files.readAllLines(classes);
        assertThat(loaded).filteredOn(l -> l.contains(" floe.run.rpc.LocalRpcSystem ")).hasSize(1);
        assertThat(loaded).noneMatch(l -> l.contains(" org.apache.pekko.") || l.contains(" org.apache.flink.runtime.rpc.pekko.PekkoRpcSystem ")
                || l.contains("/tmp/") && l.contains("flink-rpc"));
        Outcome up = floe(dir, Map.of(), "up", "--timeout", "600");
        assertThat(up.exit()).as(up.err()).isZero();
        // It warmed itself up before it took commands, and left nothing of that behind.
        Path warmDir = dir.resolve("log/warm");
        assertThat(Files.readString(warmDir.resolve("floe.log"))).contains("Warm-up done in");
        try (var entries = Files.list(warmDir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("warm-up-"));
        }

        Map<String, String> noJvm = Map.of("FLOE_JAVA_OPTS", "-Xno-jvm-may-start", "FLOE_TEST_TOKEN", "token-4f1c9e");
        Outcome onWarm = floe(work, noJvm, "tree-merge", "--input", "data/level-0", "--work", "w1", "--output", "o1");
        assertThat(onWarm.exit()).as(onWarm.err()).isZero();
        assertThat(onWarm.out()).contains("merge-l1                 tasks=8", "result   file:" + work.resolve("o1/result.avro"));
        assertThat(onWarm.err()).contains("merge-result             [##############################]       1/1       done");
        assertThat(Files.readAllBytes(work.resolve("o1/result.avro"))).isEqualTo(Files.readAllBytes(work.resolve("o0/result.avro")));

        // The plan printed is the one that runs: the warm Flink's slots, whatever the command's settings name.
        int slots = floe.jobs.cluster.WarmFlink.in(dir.resolve("log/warm")).running().orElseThrow().slots();
        Outcome otherSlots = floe(work, noJvm, "tree-merge", "-D", "floe.embedded.slots=" + (slots + 5), "--input", "data/level-0",
                "--work", "w3", "--output", "o3");
        assertThat(otherSlots.exit()).as(otherSlots.err()).isZero();
        assertThat(otherSlots.out()).containsPattern("merge-l1 +tasks=8 +parallelism=" + Math.min(8, slots) + " ");

        Outcome again = floe(work, noJvm, "tree-merge", "--input", "data/level-0", "--work", "w1", "--output", "o1");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err().trim()).isEqualTo("floe: --output file:" + work.resolve("o1")
                + ": not empty (holds _SUCCESS, result.avro); choose an empty location or pass --overwrite");
        assertThat(again.out()).isEmpty();

        Path sub = Files.createDirectories(work.resolve("sub"));
        Files.createDirectories(sub.resolve("v"));
        Files.writeString(work.resolve("marks.yaml"), """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {generateName: marks-}
                spec:
                  entrypoint: main
                  arguments:
                    parameters: [{name: seconds, value: "0"}]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
                  templates:
                  - name: main
                    container:
                      image: alpine:3
                      command: [sh, -c, "echo start >> /data/marks; sleep {{workflow.parameters.seconds}}; echo done >> /data/marks"]
                      volumeMounts: [{name: data, mountPath: /data}]
                """);
        Outcome marks = floe(sub, noJvm, "run", "../marks.yaml", "--volume", "data=v");
        assertThat(marks.exit()).as(marks.err()).isZero();
        assertThat(Files.readAllLines(sub.resolve("v/marks"))).containsExactly("start", "done");
        Outcome missing = floe(sub, noJvm, "run", "../marks.yaml", "--volume", "data=nowhere");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().trim()).isEqualTo("floe: --volume data=" + sub.resolve("nowhere") + ": no such directory");

        // A shell killed while its command runs: the command stops, its job is cancelled, nothing is left.
        Files.delete(sub.resolve("v/marks"));
        Process shell = start(sub, noJvm, "run", "../marks.yaml", "--volume", "data=v", "-p", "seconds=30");
        waitFor(() -> Files.exists(sub.resolve("v/marks")));
        shell.destroy();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isEqualTo(130);
        // This command's processes wherever they are (its shell, its sleep), not another program's "sleep 300 &".
        java.util.function.Supplier<List<String>> sleeping = () -> ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains("sleep 30; echo done") || line.equals("sleep 30") || line.endsWith("/sleep 30"))
                .toList();
        waitFor(() -> sleeping.get().isEmpty(), () -> "still running: " + sleeping.get());
        Thread.sleep(500);
        assertThat(Files.readAllLines(sub.resolve("v/marks"))).containsExactly("start");
        waitFor(() -> isEmpty(dir.resolve("log/warm/requests"))); // and with them the environments the shells sent
        assertThat(Files.readString(dir.resolve("log/warm/floe.log"))).contains("went away: stopping its command")
                .doesNotContain("token-4f1c9e");

        Outcome down = floe(dir, Map.of(), "down");
        assertThat(down.out().trim()).isEqualTo("stopped the warm local Flink");
        // With the warm Flink down the shell starts a JVM again, with the options it is given.
        Outcome noWarm = floe(work, noJvm, "tree-merge", "--input", "data/level-0", "--work", "w2", "--output", "o2");
        assertThat(noWarm.exit()).isNotZero();
        assertThat(noWarm.err()).contains("-Xno-jvm-may-start");
    }

    private Process start(Path cwd, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(FLOE.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(dir.resolve("shell.out").toFile()).redirectError(dir.resolve("shell.err").toFile());
        builder.environment().put("FLOE_LOG_DIR", dir.resolve("log").toString());
        builder.environment().putAll(env);
        return builder.start();
    }

    private Outcome floe(Path cwd, Map<String, String> env, String... args) throws Exception {
        Process p = start(cwd, env, args);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("floe " + String.join(" ", args)).isTrue();
        return new Outcome(p.exitValue(), Files.readString(dir.resolve("shell.out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("shell.err"), StandardCharsets.UTF_8));
    }

    private static boolean isEmpty(Path directory) {
        try (var files = Files.list(directory)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        waitFor(condition, () -> "");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(() -> "waited 60 s " + state.get()).isLessThan(until);
            Thread.sleep(50);
        }
    }
}

package floe.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A Floe run stopped by the user (Ctrl-C, SIGTERM) takes its commands down with it and leaves no unfinished file. */
class StoppedRunITCase {
    @TempDir
    Path dir;

    @Test
    void stoppingFloeRunStopsTheCommandsItStarted() throws Exception {
        Path spec = dir.resolve("long.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: long}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: wait
                            template: wait
                            arguments: {parameters: [{name: i, value: "{{item}}"}]}
                            withSequence: {count: "2"}
                    - name: wait
                      inputs: {parameters: [{name: i}]}
                      container: {image: busybox, command: [sh, -c, "cut -d' ' -f4 /proc/self/stat > pid-{{inputs.parameters.i}}; exec sleep 120"]}
                """);
        Process floe = new ProcessBuilder(ChildJvm.floe(List.of("run", spec.toString(), "--image-dir", dir.toString(),
                "-D", "floe.progress=false")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("floe.log").toFile()).start();
        try {
            List<Long> pids = awaitPids(2, Duration.ofMinutes(2), floe);
            assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

            floe.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
            assertThat(floe.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("floe.log"))).isTrue();

            for (long pid : pids) {
                assertThat(aliveAfter(pid, Duration.ofSeconds(10))).as("command %d still running after floe stopped", pid).isFalse();
            }
        } finally {
            floe.destroyForcibly();
            for (long pid : pidsWritten()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void stoppingATreeMergeLeavesNoUnfinishedFileBehind() throws Exception {
        FloeRun gen = FloeRun.of("generate", "--out", dir.resolve("data").toString(), "--records", "50000");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        Path work = dir.resolve("work");
        Path out = dir.resolve("out");
        Process floe = new ProcessBuilder(ChildJvm.floe(List.of("tree-merge", "--input", dir.resolve("data/level-0").toString(),
                "--work", work.toString(), "--output", out.toString(), "-D", "floe.progress=false")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("floe.log").toFile()).start();
        try {
            long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Files.isDirectory(work.resolve("level-1")) || listed(work.resolve("level-1")).isEmpty()) {
                assertThat(floe.isAlive()).as("tree-merge ended early: %s", Files.readString(dir.resolve("floe.log"))).isTrue();
                assertThat(System.nanoTime()).as("level 1 started").isLessThan(until);
                Thread.sleep(20);
            }

            floe.destroy();
            assertThat(floe.waitFor(60, TimeUnit.SECONDS)).isTrue();

            List<String> unfinished = new ArrayList<>();
            try (var all = Files.walk(dir)) {
                all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".inprogress")).forEach(unfinished::add);
            }
            assertThat(unfinished).as("unfinished files after the stop; log: %s", Files.readString(dir.resolve("floe.log"))).isEmpty();
            assertThat(out.resolve("_SUCCESS")).doesNotExist();
        } finally {
            floe.destroyForcibly();
        }
    }

    private static List<String> listed(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static boolean aliveAfter(long pid, Duration wait) {
        return ProcessHandle.of(pid).map(p -> {
            try {
                p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception stillRunning) {
                // reported below
            }
            return p.isAlive();
        }).orElse(false);
    }

    private List<Long> pidsWritten() throws java.io.IOException {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path file = dir.resolve("pid-" + i);
            String text = Files.exists(file) ? Files.readString(file).trim() : "";
            if (text.isEmpty()) {
                return pids;
            }
            pids.add(Long.parseLong(text));
        }
    }

    private List<Long> awaitPids(int count, Duration timeout, Process floe) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> pids = pidsWritten();
            if (pids.size() >= count) {
                return pids;
            }
            assertThat(floe.isAlive()).as("floe run ended early: %s", Files.readString(dir.resolve("floe.log"))).isTrue();
            assertThat(System.nanoTime()).as("both commands started").isLessThan(until);
            Thread.sleep(100);
        }
    }
}

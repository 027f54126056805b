package floe.jobs;

import floe.run.rest.FlinkRest;
import floe.testutils.TestingFlinkCluster;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TaskManager JVM killed with SIGKILL in the middle of level 1, and a replacement started: the
 * tree merge still ends successfully with a result byte-identical to a run without faults, and
 * no partial or duplicate file anywhere. Runs {@value #ROUNDS} times on one cluster; only in the
 * {@code faults} profile: {@code mvn -Pfaults -pl jobs -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TaskManagerLossFaults {
    static final int ROUNDS = 5;

    @TempDir
    static Path shared;

    static TestingFlinkCluster flink;
    static String input;
    static Path reference;

    @BeforeAll
    static void startClusterAndMakeTheReference() {
        flink = TestingFlinkCluster.start(shared.resolve("cluster"), 2, 2);
        // Large enough that level 1 takes seconds on the cluster, so a TaskManager dies mid-level.
        FloeRun gen = FloeRun.of("generate", "--out", shared.resolve("data").toString(), "--files", "128", "--records", "20000");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        input = shared.resolve("data/level-0").toString();
        reference = shared.resolve("reference/out");
        FloeRun run = FloeRun.of("tree-merge", "--input", input, "--work", shared.resolve("reference/work").toString(),
                "--output", reference.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @AfterAll
    static void stopCluster() {
        flink.close();
    }

    @Test
    void treeMergeSurvivesATaskManagerKilledInLevelOne() throws Exception {
        List<String> outcomes = new ArrayList<>();
        int passed = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String outcome = round(round);
            outcomes.add("round " + round + ": " + outcome);
            System.out.println("TaskManagerLossFaults round " + round + ": " + outcome);
            if (outcome.startsWith("passed")) {
                passed++;
            }
        }
        System.out.println("TaskManagerLossFaults: " + passed + " of " + ROUNDS + " rounds passed");
        assertThat(passed).as(String.join("\n", outcomes)).isEqualTo(ROUNDS);
    }

    /** One run with a TaskManager killed mid-level-1; what happened, starting "passed" or not. */
    private String round(int round) throws Exception {
        Path dir = shared.resolve("round-" + round);
        Path out = dir.resolve("out");
        FlinkRest rest = FlinkRest.connect(flink.rest(), new Configuration(), Optional.empty());
        CompletableFuture<FloeRun> submit = CompletableFuture.supplyAsync(() -> FloeRun.of("submit", "--rest",
                flink.rest().toString(), "-D", "floe.progress=false", "tree-merge", "--input", input,
                "--work", dir.resolve("work").toString(), "--output", out.toString()));

        String killed = killInLevelOne(rest, submit);
        ProcessHandle replacement = flink.cluster().addTaskManager();
        FloeRun run = submit.get(15, TimeUnit.MINUTES);
        if (run.exitCode() != 0) {
            return "FAILED (" + killed + "): exit " + run.exitCode() + ": " + run.err().trim();
        }
        List<String> problems = new ArrayList<>();
        if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve("result.avro")), Files.readAllBytes(reference.resolve("result.avro")))) {
            problems.add("result.avro differs from the run without faults");
        }
        if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve("_SUCCESS")), Files.readAllBytes(reference.resolve("_SUCCESS")))) {
            problems.add("_SUCCESS differs from the run without faults");
        }
        List<String> l1 = names(dir.resolve("work/level-1"));
        List<String> l2 = names(dir.resolve("work/level-2"));
        if (l1.size() != 64 || !l1.stream().allMatch(n -> n.matches("part-000\\d\\d\\.avro"))) {
            problems.add("level-1 holds " + l1);
        }
        if (l2.size() != 32 || !l2.stream().allMatch(n -> n.matches("part-000\\d\\d\\.avro"))) {
            problems.add("level-2 holds " + l2);
        }
        if (!names(out).equals(List.of("_SUCCESS", "result.avro"))) {
            problems.add("output holds " + names(out));
        }
        assertThat(replacement.isAlive()).isTrue();
        return (problems.isEmpty() ? "passed" : "FAILED") + " (" + killed + ")" + (problems.isEmpty() ? "" : ": " + problems);
    }

    /**
     * Waits until level 1 has finished a quarter of its subtasks or more, but not all, then kills a
     * TaskManager that runs its tasks; says which one and how far level 1 was.
     */
    private static String killInLevelOne(FlinkRest rest, CompletableFuture<FloeRun> submit) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < giveUp && !submit.isDone()) {
            for (JsonNode job : rest.get("/jobs/overview").path("jobs")) {
                if (!"RUNNING".equals(job.path("state").asText())) {
                    continue;
                }
                for (JsonNode vertex : rest.get("/jobs/" + job.path("jid").asText()).path("vertices")) {
                    int finished = vertex.path("tasks").path("FINISHED").asInt();
                    // At least a quarter of level 1 done, and more of it running: the middle of the level.
                    if (vertex.path("name").asText().endsWith("merge-l1") && finished >= 16 && finished < vertex.path("parallelism").asInt()
                            && vertex.path("tasks").path("RUNNING").asInt() > 0) {
                        ProcessHandle victim = flink.cluster().taskManagers().get(0);
                        victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no goodbye to the JobManager
                        victim.onExit().join();
                        return "killed TaskManager pid " + victim.pid() + " with level 1 at " + finished + "/64";
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("level 1 was never caught half done: " + (submit.isDone() ? submit.join().err() : "timed out"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}

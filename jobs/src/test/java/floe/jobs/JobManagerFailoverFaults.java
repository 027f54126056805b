package floe.jobs;

import floe.run.rest.FlinkRest;
import floe.run.rest.RestLeader;
import floe.testutils.FileIdentities;
import floe.testutils.TestingFlinkCluster;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leading JobManager of a highly available session cluster ({@code floe cluster start --ha}:
 * its own ZooKeeper, a JobManager and a standby, two TaskManagers) killed with SIGKILL in the
 * middle of level 2 of the tree merge, once a round: the standby takes over, Flink's batch job
 * recovery resumes the job, and {@code floe submit} (with the cluster's configuration, as a user
 * runs it) follows it to the end through the new leader. Each round checks the result is byte for
 * byte the embedded run's and that no finished level-1 task ran again: every level-1 output that
 * existed at the kill is still the same file (same inode, same modification time; a task that runs
 * again publishes a new file under the name). The killed JobManager is started again as the next
 * round's standby. Each round also runs the job once without a kill, for the time a failover adds.
 *
 * <p>{@value #DEFAULT_ROUNDS} rounds; {@code -Dfloe.faults.rounds=N} for fewer. Only in the
 * {@code faults} profile: {@code mvn -Pfaults -pl jobs -am verify -Dit.test=JobManagerFailoverFaults
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class JobManagerFailoverFaults {
    static final int DEFAULT_ROUNDS = 5;
    /** A level's outputs. */
    private static final String AVRO = ".*\\.avro";
    /** Records per input file: level 2 lasts seconds, so the kill lands in its middle. */
    static final int RECORDS = Integer.getInteger("floe.faults.records", 20_000);

    /** Kept when the test fails: the cluster's logs say what happened. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path shared;

    static TestingFlinkCluster flink;
    static String input;
    static Path reference;

    @BeforeAll
    static void startClusterAndMakeTheReference() {
        flink = TestingFlinkCluster.startHighlyAvailable(shared.resolve("cluster"), 2, 2, Map.of());
        FloeRun gen = FloeRun.of("generate", "--out", shared.resolve("data").toString(), "--files", "128",
                "--records", Integer.toString(RECORDS), "--seed", "42");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        input = shared.resolve("data/level-0").toString();
        reference = shared.resolve("reference/out");
        FloeRun run = FloeRun.of("tree-merge", "--input", input, "--work", shared.resolve("reference/work").toString(),
                "--output", reference.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @AfterAll
    static void stopClusterAndCheckNothingIsLeft() throws InterruptedException {
        if (flink == null) {
            return;
        }
        Path dir = flink.cluster().dir();
        FloeRun stop = FloeRun.of("cluster", "stop", "--dir", dir.toString());
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out().trim()).isEqualTo("stopped the session cluster in " + dir);
        // What ps shows: no process whose command line names the cluster's directory (JobManagers,
        // TaskManagers, ZooKeeper all start with their configuration or log file in it).
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> left = processesNaming(dir);
        while (!left.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(200);
            left = processesNaming(dir);
        }
        assertThat(left).as("processes left by the cluster").isEmpty();
        assertThat(dir.toFile().list((d, n) -> n.endsWith(".pid"))).isEmpty();
    }

    @Test
    void standbyJobManagerFinishesTheTreeMergeWithoutRerunningFinishedLevelOneTasks() throws Exception {
        int rounds = Integer.getInteger("floe.faults.rounds", DEFAULT_ROUNDS);
        List<String> outcomes = new ArrayList<>();
        List<Double> withKill = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        int passed = 0;
        for (int round = 1; round <= rounds; round++) {
            Path clean = shared.resolve("clean-" + round);
            Submission plain = submit(clean);
            long running = awaitRunning(plain);
            assertThat(plain.process().waitFor(15, TimeUnit.MINUTES)).isTrue();
            without.add(seconds(System.nanoTime() - running));
            assertThat(plain.process().exitValue()).as(Files.readString(plain.log())).isZero();
            assertThat(Files.readAllBytes(clean.resolve("out/result.avro"))).isEqualTo(Files.readAllBytes(reference.resolve("result.avro")));

            String outcome = round(round, withKill);
            outcomes.add("round " + round + ": " + outcome);
            System.out.println("JobManagerFailoverFaults round " + round + ": " + outcome);
            if (outcome.startsWith("passed")) {
                passed++;
            }
        }
        System.out.println("JobManagerFailoverFaults: " + passed + " of " + rounds + " rounds passed; job time without a kill "
                + without + " s (median " + median(without) + "), with a JobManager killed " + withKill + " s (median "
                + median(withKill) + ")");
        assertThat(passed).as(String.join("\n", outcomes)).isEqualTo(rounds);
    }

    /** One run with the leading JobManager killed mid-level-2; what happened, starting "passed" or not. */
    private String round(int round, List<Double> times) throws Exception {
        Path dir = shared.resolve("round-" + round);
        Submission submission = submit(dir);
        Killed killed;
        try {
            killed = killInLevelTwo(submission, dir.resolve("work/level-1"));
        } catch (AssertionError e) {
            submission.process().destroyForcibly();
            throw e;
        }
        boolean ended = submission.process().waitFor(15, TimeUnit.MINUTES);
        double seconds = seconds(System.nanoTime() - killed.runningAt());
        // The killed JobManager comes back as the standby of the next round.
        flink.cluster().startJobManager();
        String log = Files.readString(submission.log());
        if (!ended) {
            submission.process().destroyForcibly();
            return "FAILED (" + killed + "): floe submit did not end within 15 minutes:\n" + log;
        }
        if (submission.process().exitValue() != 0) {
            return "FAILED (" + killed + "): exit " + submission.process().exitValue() + ":\n" + log;
        }
        times.add(seconds);
        Path out = dir.resolve("out");
        List<String> problems = new ArrayList<>();
        if (!Arrays.equals(Files.readAllBytes(out.resolve("result.avro")), Files.readAllBytes(reference.resolve("result.avro")))) {
            problems.add("result.avro differs from the embedded run's");
        }
        if (!Arrays.equals(Files.readAllBytes(out.resolve("_SUCCESS")), Files.readAllBytes(reference.resolve("_SUCCESS")))) {
            problems.add("_SUCCESS differs from the embedded run's");
        }
        Map<String, String> levelOne = FileIdentities.of(dir.resolve("work/level-1"), AVRO);
        List<String> rerun = new ArrayList<>();
        killed.levelOne().forEach((name, identity) -> {
            if (!identity.equals(levelOne.get(name))) {
                rerun.add(name);
            }
        });
        if (!rerun.isEmpty()) {
            problems.add(rerun.size() + " finished level-1 tasks ran again: " + rerun);
        }
        if (levelOne.size() != 64 || !levelOne.keySet().stream().allMatch(n -> n.matches("part-000\\d\\d\\.avro"))) {
            problems.add("level-1 holds " + levelOne.keySet());
        }
        List<String> l2 = names(dir.resolve("work/level-2"));
        if (l2.size() != 32 || !l2.stream().allMatch(n -> n.matches("part-000\\d\\d\\.avro"))) {
            problems.add("level-2 holds " + l2);
        }
        if (!names(out).equals(List.of("_SUCCESS", "result.avro"))) {
            problems.add("output holds " + names(out));
        }
        if (!log.contains("does not answer")) {
            problems.add("floe submit never saw the JobManager go away:\n" + log);
        }
        return (problems.isEmpty() ? "passed" : "FAILED") + " (" + killed + ", job running to submit's end " + seconds + " s)"
                + (problems.isEmpty() ? "" : ": " + problems);
    }

    record Submission(Process process, Path log) {}

    /** {@code floe submit} of the tree merge as its own process, with the cluster's configuration (FLINK_CONF_DIR). */
    private static Submission submit(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("submit.log");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.floe(List.of("submit", "--rest", flink.rest().toString(),
                "--jar", SessionClusterE2E.jobsJar(), "-D", "floe.progress=false", "tree-merge", "--input", input, "--work", dir.resolve("work").toString(),
                "--output", dir.resolve("out").toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("FLINK_CONF_DIR", flink.confDir().toString());
        pb.environment().put("FLOE_LOG_DIR", dir.resolve("log").toString());
        return new Submission(pb.start(), log);
    }

    record Killed(long pid, URI rest, int levelTwoFinished, Map<String, String> levelOne, long runningAt) {
        @Override
        public String toString() {
            return "killed the leading JobManager pid " + pid + " (" + rest + ") with level 1 done and level 2 at " + levelTwoFinished + "/32";
        }
    }

    /**
     * Waits until level 1 has finished and level 2 has finished some of its subtasks but not all,
     * notes the level-1 outputs, and kills the leading JobManager with SIGKILL.
     */
    private static Killed killInLevelTwo(Submission submission, Path levelOneDir) throws Exception {
        Configuration conf = GlobalConfiguration.loadConfiguration(flink.confDir().toString());
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long runningAt = 0;
        URI leader = RestLeader.lookup(conf, Duration.ofSeconds(10)).orElseThrow();
        FlinkRest rest = FlinkRest.connect(leader, new Configuration(), Optional.empty());
        while (System.nanoTime() < giveUp && submission.process().isAlive()) {
            for (JsonNode job : jobs(rest)) {
                if (!"RUNNING".equals(job.path("state").asText())) {
                    continue;
                }
                if (runningAt == 0) {
                    runningAt = System.nanoTime();
                }
                JsonNode vertices;
                try {
                    vertices = rest.get("/jobs/" + job.path("jid").asText()).path("vertices");
                } catch (floe.FloeException e) {
                    continue; // a busy JobManager's REST API times out now and then (HTTP 500): ask again
                }
                JsonNode l1 = vertex(vertices, "merge-l1");
                JsonNode l2 = vertex(vertices, "merge-l2");
                if (l1 == null || l2 == null) {
                    continue;
                }
                int l1Finished = l1.path("tasks").path("FINISHED").asInt();
                int l2Finished = l2.path("tasks").path("FINISHED").asInt();
                if (l1Finished == 64 && l2Finished >= 1 && l2Finished < 32 && l2.path("tasks").path("RUNNING").asInt() > 0) {
                    // Not the very moment a level-2 task was seen ending: some random time later in
                    // the level, as a crash would come.
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(100, 600));
                    Map<String, String> levelOne = FileIdentities.of(levelOneDir, AVRO);
                    ProcessHandle victim = flink.cluster().jobManagerAt(leader).orElseThrow();
                    victim.destroyForcibly(); // SIGKILL: no shutdown hooks, its ZooKeeper session simply expires
                    victim.onExit().join();
                    assertThat(levelOne).hasSize(64);
                    return new Killed(victim.pid(), leader, l2Finished, levelOne, runningAt);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("level 2 was never caught half done: " + Files.readString(submission.log()));
    }

    /** When the submission's job is first seen running on the cluster (System.nanoTime()). */
    private static long awaitRunning(Submission submission) throws Exception {
        Configuration conf = GlobalConfiguration.loadConfiguration(flink.confDir().toString());
        FlinkRest rest = FlinkRest.connect(RestLeader.lookup(conf, Duration.ofSeconds(10)).orElseThrow(), new Configuration(), Optional.empty());
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < giveUp && submission.process().isAlive()) {
            for (JsonNode job : jobs(rest)) {
                if ("RUNNING".equals(job.path("state").asText())) {
                    return System.nanoTime();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the job was never seen running: " + Files.readString(submission.log()));
    }

    private static JsonNode jobs(FlinkRest rest) {
        try {
            return rest.get("/jobs/overview").path("jobs");
        } catch (floe.FloeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance(); // asked again in a moment
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }

    private static JsonNode vertex(JsonNode vertices, String suffix) {
        for (JsonNode v : vertices) {
            if (v.path("name").asText().endsWith(suffix)) {
                return v;
            }
        }
        return null;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<String> processesNaming(Path dir) {
        String needle = dir.toString() + File.separator;
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(c -> c.contains(needle))
                .toList();
    }
}

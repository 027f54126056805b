package floe.service.argo;

import floe.service.testutils.JournalRecords;
import floe.service.testutils.ServiceProcess;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code floe server} killed (SIGKILL, with every process it started) during level 2 of a
 * three-level workflow, then started again on the same data: the workflow resumes from its journal,
 * so no level-1 command and no level-2 command that had ended runs again, the commands killed with
 * the server run once more to their end, and the workflow Succeeds. Then the window between a Flink
 * job's end and its state's commit: the stored state put back to Running as if the server had died
 * in it: the next start completes the workflow without running any command.
 * Every command appends a line to a file, which counts the runs.
 */
class ArgoServerCrashITCase {
    @TempDir
    Path dir;

    private ServiceProcess start(File log) throws Exception {
        return ServiceProcess.startServer(log, Map.of("FLOE_SERVER_TOKENS", "argo:tok"),
                List.of("--data", dir.resolve("data").toString(), "--image-dir", dir.toString()));
    }

    private JsonNode threeLevels(Path runs) throws Exception {
        return ArgoServerITCase.workflow("""
                {'metadata': {'name': 'levels'},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [
                     [{'name': 'level1', 'template': 'l1', 'withSequence': {'count': '4'}, 'arguments': {'parameters': [{'name': 'i', 'value': '{{item}}'}]}}],
                     [{'name': 'level2', 'template': 'l2', 'withSequence': {'count': '4'}, 'arguments': {'parameters': [{'name': 'i', 'value': '{{item}}'}]}}],
                     [{'name': 'level3', 'template': 'l3'}]]},
                   {'name': 'l1', 'inputs': {'parameters': [{'name': 'i'}]},
                    'container': {'image': 'busybox', 'command': ['sh', '-c', 'echo l1-{{inputs.parameters.i}} >> RUNS']}},
                   {'name': 'l2', 'inputs': {'parameters': [{'name': 'i'}]},
                    'container': {'image': 'busybox', 'command': ['sh', '-c',
                      'echo l2-{{inputs.parameters.i}} >> RUNS; sleep $((1 + {{inputs.parameters.i}} * 8)); echo l2-done-{{inputs.parameters.i}} >> RUNS']}},
                   {'name': 'l3', 'container': {'image': 'busybox', 'command': ['sh', '-c', 'echo l3 >> RUNS']}}]}}
                """.replace("RUNS", runs.toString()));
    }

    @Test
    void killedDuringLevelTwoItResumesWithoutRunningTheTasksThatHadSucceeded() throws Exception {
        Path runs = dir.resolve("runs.txt");
        File log = dir.resolve("server.log").toFile();
        try (ServiceProcess first = start(log)) {
            ArgoClient argo = new ArgoClient(first.endpoint(), "Bearer tok");
            argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow", threeLevels(runs)));
            // Level 2's task 0 has ended and is in the journal; its tasks 1-3 are still running.
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (journaled("level2") < 1) {
                assertThat(System.nanoTime()).as("level 2's first task recorded; see " + log).isLessThan(until);
                Thread.sleep(20);
            }
            assertThat(lines(runs)).contains("l2-1", "l2-2", "l2-3").doesNotContain("l2-done-1", "l3");
            first.kill();
        }
        List<String> before = lines(runs);

        try (ServiceProcess second = start(log)) {
            ArgoClient argo = new ArgoClient(second.endpoint(), "Bearer tok");
            List<JsonNode> events = argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3Dlevels", false,
                    e -> e.at("/object/status/phase").asText().equals("Succeeded"));
            JsonNode done = events.get(events.size() - 1).get("object");
            assertThat(done.at("/metadata/annotations/workflows.floe.io~1restarts").asText()).isEqualTo("1");
            JsonNode wf = argo.ok("GET", "/api/v1/workflows/argo/levels", null);
            assertThat(wf.at("/status/phase").asText()).isEqualTo("Succeeded");
            assertThat(ArgoServerITCase.node(wf, "levels[0].level1(2:2)").path("phase").asText()).isEqualTo("Succeeded");
        }
        List<String> after = lines(runs);
        for (int i = 0; i < 4; i++) {
            assertThat(Collections.frequency(after, "l1-" + i)).as("level 1 task %d ran once", i).isEqualTo(1);
            assertThat(Collections.frequency(after, "l2-done-" + i)).as("level 2 task %d ran to its end once", i).isEqualTo(1);
        }
        assertThat(Collections.frequency(after, "l2-0")).as("level 2 task 0 had succeeded: not run again").isEqualTo(1);
        for (int i = 1; i < 4; i++) {
            assertThat(Collections.frequency(after, "l2-" + i)).as("level 2 task %d: killed, run again", i).isEqualTo(2);
        }
        assertThat(Collections.frequency(after, "l3")).isEqualTo(1);
        System.out.printf("journal resume: %d command starts before the kill, %d after the restart (%s)%n", before.size(),
                after.size() - before.size(), after.subList(before.size(), after.size()));

        // The window between the Flink job's end and the commit of its state: stored as still Running.
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/floe-batch").toAbsolutePath());
                PreparedStatement p = db.prepareStatement("UPDATE argo_workflows SET phase = 'Running' WHERE name = 'levels'")) {
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
        try (ServiceProcess third = start(log)) {
            ArgoClient argo = new ArgoClient(third.endpoint(), "Bearer tok");
            argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3Dlevels", false,
                    e -> e.at("/object/status/phase").asText().equals("Succeeded"));
            JsonNode wf = argo.ok("GET", "/api/v1/workflows/argo/levels", null);
            assertThat(wf.at("/status/phase").asText()).isEqualTo("Succeeded");
            assertThat(wf.at("/metadata/annotations/workflows.floe.io~1restarts").asText()).isEqualTo("2");
        }
        assertThat(lines(runs)).as("completed again from the journal alone: no command ran").isEqualTo(after);
    }

    /** Tasks of the stage whose name contains {@code stage} recorded in the server's journal. */
    private long journaled(String stage) throws Exception {
        return JournalRecords.count(dir.resolve("data/journal/levels"), name -> name.contains(stage));
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}

package floe.service.argo;

import floe.service.BatchService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PUT .../retry} as the argo CLI sends it: the failed step runs again, the step that
 * succeeded is kept (its command not run again, its node Succeeded with its first run's times and
 * result); with {@code restartSuccessful} and {@code nodeFieldSelector} the selected step and what
 * follows it run again. Each command appends a line to a file, so the file counts the runs.
 */
class ArgoRetryITCase {
    @TempDir
    static Path dir;

    private static BatchService server;
    private static ArgoClient argo;

    @BeforeAll
    static void start() {
        server = TestingArgoServer.start(dir, "argo:tok", new Configuration());
        argo = new ArgoClient(server.endpoint(), "Bearer tok");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ObjectNode twoSteps(Path runs, Path marker) throws Exception {
        return ArgoServerITCase.workflow("""
                {'metadata': {'generateName': 'retry-'},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [[{'name': 'step1', 'template': 'one'}], [{'name': 'step2', 'template': 'two'}]]},
                   {'name': 'one', 'container': {'image': 'busybox', 'command': ['sh', '-c', 'echo one >> RUNS; echo made by one']}},
                   {'name': 'two', 'container': {'image': 'busybox', 'command': ['sh', '-c',
                     'echo two >> RUNS; test -f MARKER || { touch MARKER; echo first time >&2; exit 3; }']}}]}}
                """.replace("RUNS", runs.toString()).replace("MARKER", marker.toString()));
    }

    private static JsonNode watchToEnd(String name) throws Exception {
        argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + name, false,
                e -> e.path("object").path("metadata").path("labels").path("workflows.argoproj.io/completed").asText().equals("true"));
        return argo.ok("GET", "/api/v1/workflows/argo/" + name, null);
    }

    @Test
    void retryRunsTheFailedStepAndKeepsTheOneThatSucceededWithoutRunningItAgain() throws Exception {
        Path runs = dir.resolve("runs-1.txt");
        String name = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow", twoSteps(runs, dir.resolve("marker-1"))))
                .at("/metadata/name").asText();
        JsonNode failed = watchToEnd(name);
        assertThat(failed.at("/status/phase").asText()).isEqualTo("Failed");
        JsonNode step1 = ArgoServerITCase.node(failed, name + "[0].step1");
        assertThat(step1.path("phase").asText()).isEqualTo("Succeeded");
        assertThat(ArgoServerITCase.node(failed, name + "[1].step2").path("phase").asText()).isEqualTo("Failed");
        assertThat(Files.readAllLines(runs)).containsExactly("one", "two");
        Thread.sleep(1100); // a step run again would start in a later second than its first run

        JsonNode pending = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of("name", name, "namespace", "argo"));
        assertThat(pending.at("/status/phase").asText()).isEqualTo("Pending");
        JsonNode again = watchToEnd(name);

        assertThat(again.at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(Files.readAllLines(runs)).as("step 1 is not run again, step 2 is").containsExactly("one", "two", "two");
        JsonNode kept = ArgoServerITCase.node(again, name + "[0].step1");
        assertThat(kept.path("phase").asText()).isEqualTo("Succeeded");
        assertThat(kept.path("id").asText()).isEqualTo(step1.path("id").asText());
        assertThat(kept.path("startedAt").asText()).isEqualTo(step1.path("startedAt").asText());
        assertThat(kept.path("finishedAt").asText()).isEqualTo(step1.path("finishedAt").asText());
        assertThat(kept.at("/outputs/result").asText()).isEqualTo("made by one");
        assertThat(kept.has("message")).isFalse();
        JsonNode step2 = ArgoServerITCase.node(again, name + "[1].step2");
        assertThat(step2.path("phase").asText()).isEqualTo("Succeeded");
        assertThat(step2.path("startedAt").asText().compareTo(step1.path("finishedAt").asText())).isGreaterThan(0);
        List<String> logs = argo.stream("/api/v1/workflows/argo/" + name + "/log?podName=" + kept.path("id").asText()
                + "&logOptions.container=main", false, e -> false).stream().map(e -> e.get("content").asText()).toList();
        assertThat(logs).as("the kept step's log").containsExactly("made by one");

        ArgoClient.Response refused = argo.call("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of("name", name));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText())
                .isEqualTo("To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector");
    }

    @Test
    void restartSuccessfulRunsTheSelectedStepAndWhatFollowsAgain() throws Exception {
        Path runs = dir.resolve("runs-2.txt");
        Path marker = dir.resolve("marker-2");
        Files.createFile(marker);
        String name = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow", twoSteps(runs, marker))).at("/metadata/name").asText();
        assertThat(watchToEnd(name).at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(Files.readAllLines(runs)).containsExactly("one", "two");

        argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of("name", name, "restartSuccessful", true,
                "nodeFieldSelector", "displayName=step2"));
        assertThat(watchToEnd(name).at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(Files.readAllLines(runs)).as("step 2 selected: only it runs again").containsExactly("one", "two", "two");

        argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of("name", name, "restartSuccessful", true,
                "nodeFieldSelector", "templateName=one"));
        assertThat(watchToEnd(name).at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(Files.readAllLines(runs)).as("step 1 selected: it and step 2 after it run again")
                .containsExactly("one", "two", "two", "one", "two");
    }
}

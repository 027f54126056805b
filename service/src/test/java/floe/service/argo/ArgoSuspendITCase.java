package floe.service.argo;

import floe.run.FloeOptions;
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
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PUT .../suspend}, {@code .../resume} and {@code .../set} on a real server, as {@code argo
 * suspend}, {@code argo resume} and {@code argo node set} call them: a running workflow suspended
 * between two steps starts no step until resumed (the step's file tells), then succeeds; a
 * suspend template's output parameter set through the API reaches the next step; a workflow
 * submitted suspended waits for its resume.
 */
class ArgoSuspendITCase {
    private static final String TOKEN = "Bearer t0ken-for-suspend";

    @TempDir
    static Path dir;

    private static BatchService server;
    private static ArgoClient argo;

    @BeforeAll
    static void start() {
        Configuration conf = new Configuration();
        conf.set(FloeOptions.ARGO_SUSPEND_DIR, dir.resolve("suspended").toString());
        server = TestingArgoServer.start(dir, "argo:t0ken-for-suspend", conf);
        argo = new ArgoClient(server.endpoint(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String submit(String json) throws Exception {
        ObjectNode wf = (ObjectNode) ArgoClient.JSON.readTree(json.replace('\'', '"'));
        return argo.ok("POST", "/api/v1/workflows/argo", Map.of("namespace", "argo", "workflow", wf)).path("metadata").path("name").asText();
    }

    private static JsonNode get(String name) throws Exception {
        return argo.ok("GET", "/api/v1/workflows/argo/" + name, null);
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.currentTimeMillis() + 90_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waiting for " + what).isLessThan(until);
            Thread.sleep(100);
        }
    }

    private static String phase(String name) {
        try {
            return get(name).path("status").path("phase").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nodePhase(String name, String nodeName) {
        try {
            for (JsonNode n : get(name).path("status").path("nodes")) {
                if (n.path("name").asText().equals(nodeName)) {
                    return n.path("phase").asText();
                }
            }
            return "";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSuspendedWorkflowStartsNoStepUntilResumedThenSucceeds() throws Exception {
        Path started = dir.resolve("first-started");
        Path gate = dir.resolve("gate");
        Path second = dir.resolve("second-ran");
        String name = submit("""
                {'metadata': {'generateName': 'held-'},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [[{'name': 'first', 'template': 'first'}], [{'name': 'second', 'template': 'second'}]]},
                   {'name': 'first', 'container': {'image': 'busybox', 'command': ['sh', '-c',
                     'touch %s; while [ ! -e %s ]; do sleep 0.1; done; echo first done']}},
                   {'name': 'second', 'container': {'image': 'busybox', 'command': ['sh', '-c', 'touch %s; echo second done']}}]}}
                """.formatted(started, gate, second));
        waitFor("the first step to start", () -> Files.exists(started));

        JsonNode suspended = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/suspend", Map.of("name", name, "namespace", "argo"));
        ArgoClient.assertShape(suspended, "io.argoproj.workflow.v1alpha1.Workflow");
        assertThat(suspended.path("spec").path("suspend").asBoolean()).isTrue();
        assertThat(suspended.path("status").path("phase").asText()).isEqualTo("Running");
        // Suspending it again changes nothing.
        argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/suspend", Map.of());

        // The running step goes on to its end; the next one does not start.
        Files.createFile(gate);
        waitFor("the first step to end", () -> nodePhase(name, name + "[0].first").equals("Succeeded"));
        Thread.sleep(3000);
        assertThat(second).as("the second step started while the workflow was suspended").doesNotExist();
        JsonNode held = get(name);
        assertThat(held.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(held.path("spec").path("suspend").asBoolean()).isTrue();

        JsonNode resumed = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/resume", Map.of("name", name, "namespace", "argo"));
        assertThat(resumed.path("spec").has("suspend")).isFalse();
        waitFor("the run to end", () -> !phase(name).equals("Running"));
        JsonNode done = get(name);
        assertThat(done.path("status").path("phase").asText()).isEqualTo("Succeeded");
        assertThat(second).exists();
        assertThat(ArgoServerITCase.node(done, name + "[1].second").path("outputs").path("result").asText()).isEqualTo("second done");

        // An ended workflow cannot be suspended (FailedPrecondition).
        ArgoClient.Response late = argo.call("PUT", "/api/v1/workflows/argo/" + name + "/suspend", Map.of());
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.json().path("code").asInt()).isEqualTo(9);
        assertThat(late.json().path("message").asText()).isEqualTo("cannot suspend completed workflows");
    }

    @Test
    void aSuspendNodesOutputParameterSetThroughTheApiReachesTheNextStep() throws Exception {
        String name = submit("""
                {'metadata': {'generateName': 'approval-'},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [[{'name': 'approve', 'template': 'approve'}],
                     [{'name': 'print', 'template': 'print', 'arguments': {'parameters': [
                        {'name': 'answer', 'value': '{{steps.approve.outputs.parameters.answer}}'}]}}]]},
                   {'name': 'approve', 'suspend': {},
                    'outputs': {'parameters': [{'name': 'answer', 'valueFrom': {'supplied': {}}}]}},
                   {'name': 'print', 'inputs': {'parameters': [{'name': 'answer'}]},
                    'container': {'image': 'busybox', 'command': ['echo', 'answer is {{inputs.parameters.answer}}']}}]}}
                """);
        String path = "/api/v1/workflows/argo/" + name + "/set";
        Map<String, String> set = Map.of("name", name, "namespace", "argo", "nodeFieldSelector", "displayName=approve",
                "outputParameters", "{\"answer\": \"yes\"}");
        // 400 until the node waits; then its value is kept.
        waitFor("the approve node to wait", () -> {
            try {
                return argo.call("PUT", path, set).status() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ArgoClient.Response unknown = argo.call("PUT", path, Map.of("nodeFieldSelector", "displayName=approve",
                "outputParameters", "{\"nope\": \"x\"}"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("message").asText()).isEqualTo("node is not expecting output parameter 'nope'");
        ArgoClient.Response noNode = argo.call("PUT", path, Map.of("nodeFieldSelector", "displayName=other", "phase", "Succeeded"));
        assertThat(noNode.status()).isEqualTo(400);
        assertThat(noNode.json().path("message").asText()).contains("no suspend nodes matching nodeFieldSelector: displayName=other");
        ArgoClient.Response badPhase = argo.call("PUT", path, Map.of("nodeFieldSelector", "displayName=approve", "phase", "Running"));
        assertThat(badPhase.status()).isEqualTo(400);
        assertThat(badPhase.json().path("message").asText()).isEqualTo("Running is an invalid phase to set to");

        // A set with no phase does not resume the node; it waits as Argo's suspend nodes do (argo get shows it).
        Thread.sleep(1000);
        assertThat(phase(name)).isEqualTo("Running");
        JsonNode approve = ArgoServerITCase.node(get(name), name + "[0].approve");
        assertThat(approve.path("type").asText()).isEqualTo("Suspend");
        assertThat(approve.path("phase").asText()).isEqualTo("Running");
        assertThat(nodePhase(name, name + "[1].print")).isIn("", "Pending");

        argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/resume", Map.of("nodeFieldSelector", "displayName=approve"));
        waitFor("the run to end", () -> !phase(name).equals("Running"));
        JsonNode done = get(name);
        assertThat(done.path("status").path("phase").asText()).isEqualTo("Succeeded");
        assertThat(ArgoServerITCase.node(done, name + "[1].print").path("outputs").path("result").asText()).isEqualTo("answer is yes");
    }

    @Test
    void aSuspendNodeSetToFailedFailsTheWorkflowWithItsMessage() throws Exception {
        String name = submit("""
                {'metadata': {'generateName': 'rejected-'},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [[{'name': 'approve', 'template': 'approve'}], [{'name': 'deploy', 'template': 'deploy'}]]},
                   {'name': 'approve', 'suspend': {}},
                   {'name': 'deploy', 'container': {'image': 'busybox', 'command': ['echo', 'deployed']}}]}}
                """);
        Map<String, String> set = Map.of("nodeFieldSelector", "templateName=approve", "phase", "Failed", "message", "rejected by ana");
        waitFor("the approve node to wait", () -> {
            try {
                return argo.call("PUT", "/api/v1/workflows/argo/" + name + "/set", set).status() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        waitFor("the run to end", () -> !phase(name).equals("Running"));
        JsonNode done = get(name);
        assertThat(done.path("status").path("phase").asText()).isEqualTo("Failed");
        assertThat(done.path("status").path("message").asText()).contains("rejected by ana");
        assertThat(nodePhase(name, name + "[1].deploy")).isIn("", "Pending", "Omitted");
    }

    @Test
    void aWorkflowSubmittedSuspendedWaitsForItsResume() throws Exception {
        Path ran = dir.resolve("ran-after-resume");
        String name = submit("""
                {'metadata': {'generateName': 'starts-held-'},
                 'spec': {'entrypoint': 'main', 'suspend': true, 'templates': [
                   {'name': 'main', 'container': {'image': 'busybox', 'command': ['touch', '%s']}}]}}
                """.formatted(ran));
        waitFor("the run to start", () -> phase(name).equals("Running"));
        Thread.sleep(2000);
        assertThat(ran).doesNotExist();
        assertThat(get(name).path("spec").path("suspend").asBoolean()).isTrue();
        argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/resume", Map.of());
        waitFor("the run to end", () -> !phase(name).equals("Running"));
        assertThat(phase(name)).isEqualTo("Succeeded");
        assertThat(ran).exists();
    }
}

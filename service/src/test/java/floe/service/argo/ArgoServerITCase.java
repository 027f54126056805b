package floe.service.argo;

import floe.service.BatchService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's API on one shared server, driven over HTTP as the argo CLI drives it: submit, watch to the
 * end, get (checked against Argo's swagger shapes), logs, stop, retry, resubmit, delete, lint,
 * templates and submit from them, CronWorkflows on a schedule; tokens (401, 403) and bad input (400,
 * nothing stored).
 */
class ArgoServerITCase {
    static final String TOKEN = "Bearer t0ken-for-argo";
    static final String OTHER = "Bearer t0ken-for-other";

    @TempDir
    static Path dir;

    private static BatchService server;
    private static ArgoClient argo;

    @BeforeAll
    static void start() {
        Configuration conf = new Configuration();
        conf.set(ArgoServer.MAX_BODY, 64 * 1024);
        conf.set(ArgoServer.CRON_TICK, 200L);
        server = TestingArgoServer.start(dir, "argo,default:t0ken-for-argo other:t0ken-for-other", conf);
        argo = new ArgoClient(server.endpoint(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ObjectNode workflow(String yamlLikeJson) throws java.io.IOException {
        return (ObjectNode) ArgoClient.JSON.readTree(yamlLikeJson.replace('\'', '"'));
    }

    static ObjectNode steps() throws java.io.IOException {
        return workflow("""
                {'metadata': {'generateName': 'steps-', 'labels': {'team': 'a'}},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'steps': [[{'name': 'hello1', 'template': 'say', 'arguments': {'parameters': [{'name': 'm', 'value': 'hello1'}]}}],
                                              [{'name': 'hello2a', 'template': 'say', 'arguments': {'parameters': [{'name': 'm', 'value': 'hello2a'}]}},
                                               {'name': 'hello2b', 'template': 'say', 'arguments': {'parameters': [{'name': 'm', 'value': 'hello2b'}]}}]]},
                   {'name': 'say', 'inputs': {'parameters': [{'name': 'm'}]},
                    'container': {'image': 'busybox', 'command': ['echo'], 'args': ['{{inputs.parameters.m}}']}}]}}
                """);
    }

    static ObjectNode single(String generateName, String... command) throws java.io.IOException {
        ObjectNode wf = workflow("{'metadata': {'generateName': '" + generateName + "'}, 'spec': {'entrypoint': 'main', 'templates': ["
                + "{'name': 'main', 'container': {'image': 'busybox'}}]}}");
        var cmd = ((ObjectNode) wf.get("spec").get("templates").get(0).get("container")).putArray("command");
        for (String c : command) {
            cmd.add(c);
        }
        return wf;
    }

    static String submit(ObjectNode wf) throws Exception {
        JsonNode created = argo.ok("POST", "/api/v1/workflows/argo", Map.of("namespace", "argo", "workflow", wf));
        return created.get("metadata").get("name").asText();
    }

    /** Watches as {@code argo submit --watch} does (server-sent events, by name) until the workflow has ended. */
    static JsonNode watchToEnd(String name) throws Exception {
        List<JsonNode> events = argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + name, true,
                e -> e.path("object").path("metadata").path("labels").path("workflows.argoproj.io/completed").asText().equals("true"));
        assertThat(events).isNotEmpty();
        for (JsonNode e : events) {
            ArgoClient.assertShape(e, "io.argoproj.workflow.v1alpha1.WorkflowWatchEvent");
            assertThat(e.path("object").path("metadata").path("name").asText()).isEqualTo(name);
        }
        return argo.ok("GET", "/api/v1/workflows/argo/" + name, null);
    }

    static JsonNode node(JsonNode wf, String name) {
        for (JsonNode n : wf.path("status").path("nodes")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + wf.path("status").path("nodes"));
    }

    @Test
    void versionAnswersArgosShape() throws Exception {
        JsonNode v = argo.as(null).ok("GET", "/api/v1/version", null);
        ArgoClient.assertShape(v, "io.argoproj.workflow.v1alpha1.Version");
        assertThat(v.get("version").asText()).startsWith("v3.");
    }

    @Test
    void aMissingOrWrongTokenIs401AndAnotherNamespace403() throws Exception {
        for (String auth : new String[] {null, "Bearer nope", "t0ken-for-argox"}) {
            ArgoClient.Response r = argo.as(auth).call("GET", "/api/v1/workflows/argo", null);
            assertThat(r.status()).isEqualTo(401);
            ArgoClient.assertShape(r.json(), "grpc.gateway.runtime.Error");
            assertThat(r.json().get("code").asInt()).isEqualTo(16);
            assertThat(r.text()).doesNotContain("t0ken");
        }
        ArgoClient.Response forbidden = argo.call("POST", "/api/v1/workflows/other", Map.of("workflow", single("x-", "true")));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("code").asInt()).isEqualTo(7);
        assertThat(forbidden.json().get("message").asText()).contains("namespace \"other\"");
        assertThat(argo.as(OTHER).call("GET", "/api/v1/workflows/argo", null).status()).isEqualTo(403);
        assertThat(argo.as(OTHER).call("GET", "/api/v1/workflows/other", null).status()).isEqualTo(200);
    }

    @Test
    void submitWatchGetAndLogsOfStepsAsArgoNamesThem() throws Exception {
        String name = submit(steps());
        assertThat(name).matches("steps-[a-z0-9]{5}");
        JsonNode wf = watchToEnd(name);
        ArgoClient.assertShape(wf, "io.argoproj.workflow.v1alpha1.Workflow");
        JsonNode status = wf.get("status");
        assertThat(status.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(status.get("progress").asText()).isEqualTo("3/3");
        assertThat(status.get("startedAt").asText()).isLessThanOrEqualTo(status.get("finishedAt").asText());
        JsonNode root = status.get("nodes").get(name);
        assertThat(root.get("type").asText()).isEqualTo("Steps");
        assertThat(root.get("templateName").asText()).isEqualTo("main");
        JsonNode group0 = node(wf, name + "[0]");
        assertThat(group0.get("type").asText()).isEqualTo("StepGroup");
        assertThat(group0.get("displayName").asText()).isEqualTo("[0]");
        JsonNode hello1 = node(wf, name + "[0].hello1");
        JsonNode hello2b = node(wf, name + "[1].hello2b");
        for (JsonNode pod : List.of(hello1, hello2b)) {
            assertThat(pod.get("type").asText()).isEqualTo("Pod");
            assertThat(pod.get("templateName").asText()).isEqualTo("say");
            assertThat(pod.get("phase").asText()).isEqualTo("Succeeded");
            assertThat(pod.get("boundaryID").asText()).isEqualTo(name);
            assertThat(pod.get("id").asText()).matches(name + "-\\d+");
            assertThat(pod.get("outputs").get("exitCode").asText()).isEqualTo("0");
        }
        assertThat(hello1.get("displayName").asText()).isEqualTo("hello1");
        assertThat(hello1.get("outputs").get("result").asText()).isEqualTo("hello1");
        assertThat(hello1.at("/inputs/parameters/0/value").asText()).isEqualTo("hello1");
        assertThat(group0.get("children").get(0).asText()).isEqualTo(hello1.get("id").asText());
        // Argo's ids: the FNV-1a hash of the node's name.
        assertThat(ArgoNodes.nodeId("hello-world-x", "hello-world-x[0].a")).isEqualTo("hello-world-x-" + fnv("hello-world-x[0].a"));

        List<JsonNode> lines = argo.stream("/api/v1/workflows/argo/" + name + "/log?logOptions.container=main", false, e -> false);
        List<String> content = new ArrayList<>();
        for (JsonNode l : lines) {
            ArgoClient.assertShape(l, "io.argoproj.workflow.v1alpha1.LogEntry");
            content.add(l.get("content").asText());
        }
        assertThat(content).containsExactlyInAnyOrder("hello1", "hello2a", "hello2b");
        List<JsonNode> one = argo.stream("/api/v1/workflows/argo/" + name + "/log?podName=" + hello2b.get("id").asText()
                + "&logOptions.container=main&logOptions.follow=true", true, e -> false);
        assertThat(one).hasSize(1);
        assertThat(one.get(0).get("content").asText()).isEqualTo("hello2b");
        assertThat(one.get(0).get("podName").asText()).isEqualTo(hello2b.get("id").asText());

        JsonNode list = argo.ok("GET", "/api/v1/workflows/argo?listOptions.labelSelector=team%3Da,workflows.argoproj.io/completed%3Dtrue"
                + "&fields=items.metadata.name,items.status.phase", null);
        assertThat(list.has("metadata")).as("fields keeps only what it names").isFalse();
        assertThat(list.get("items").findValuesAsText("name")).contains(name);
        ArgoClient.assertShape(argo.ok("GET", "/api/v1/workflows/argo", null), "io.argoproj.workflow.v1alpha1.WorkflowList");
        assertThat(list.get("items").get(0).get("status").has("nodes")).isFalse();
        JsonNode none = argo.ok("GET", "/api/v1/workflows/argo?listOptions.labelSelector=team%3Db", null);
        assertThat(none.get("items")).isEmpty();
    }

    @Test
    void aDagLoopIsATaskGroupWithArgosItemNames() throws Exception {
        String name = submit(workflow("""
                {'metadata': {'generateName': 'dag-'}, 'spec': {'entrypoint': 'main', 'templates': [
                  {'name': 'main', 'dag': {'tasks': [
                    {'name': 'first', 'template': 'say', 'arguments': {'parameters': [{'name': 'm', 'value': 'one'}]}},
                    {'name': 'each', 'depends': 'first', 'template': 'say', 'withItems': ['a', 'b', 'c'],
                     'arguments': {'parameters': [{'name': 'm', 'value': '{{item}}'}]}},
                    {'name': 'inner', 'depends': 'first', 'template': 'two'}]}},
                  {'name': 'two', 'steps': [[{'name': 'x', 'template': 'say', 'arguments': {'parameters': [{'name': 'm', 'value': 'x'}]}}]]},
                  {'name': 'say', 'inputs': {'parameters': [{'name': 'm'}]},
                   'container': {'image': 'busybox', 'command': ['echo', '{{inputs.parameters.m}}']}}]}}
                """));
        JsonNode wf = watchToEnd(name);
        assertThat(wf.at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(wf.at("/status/progress").asText()).isEqualTo("5/5");
        JsonNode inner = node(wf, name + ".inner");
        assertThat(inner.get("type").asText()).isEqualTo("Steps");
        assertThat(inner.get("templateName").asText()).isEqualTo("two");
        JsonNode x = node(wf, name + ".inner[0].x");
        assertThat(x.get("boundaryID").asText()).isEqualTo(inner.get("id").asText());
        assertThat(x.get("outputs").get("result").asText()).isEqualTo("x");
        assertThat(inner.get("phase").asText()).isEqualTo("Succeeded");
        assertThat(wf.at("/status/nodes/" + name + "/type").asText()).isEqualTo("DAG");
        JsonNode first = node(wf, name + ".first");
        assertThat(first.get("type").asText()).isEqualTo("Pod");
        assertThat(first.get("boundaryID").asText()).isEqualTo(name);
        JsonNode group = node(wf, name + ".each");
        assertThat(group.get("type").asText()).isEqualTo("TaskGroup");
        assertThat(group.get("children")).hasSize(3);
        JsonNode b = node(wf, name + ".each(1:b)");
        assertThat(b.get("displayName").asText()).isEqualTo("each(1:b)");
        assertThat(b.get("outputs").get("result").asText()).isEqualTo("b");
        assertThat(b.at("/inputs/parameters/0/name").asText()).isEqualTo("m");
        assertThat(b.at("/inputs/parameters/0/value").asText()).isEqualTo("b");
        assertThat(b.get("boundaryID").asText()).isEqualTo(name);
        ArgoClient.assertShape(wf, "io.argoproj.workflow.v1alpha1.Workflow");
    }

    /** FNV-1a, 32 bits, written out here as Argo's Go code has it (hash/fnv New32a). */
    private static String fnv(String s) {
        long h = 2166136261L;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h = (h * 16777619L) & 0xffffffffL;
        }
        return Long.toString(h);
    }

    @Test
    void aFailedTaskFailsTheWorkflowWithItsExitCodeAndRetryRunsItAgain() throws Exception {
        Path marker = dir.resolve("retry-marker");
        String name = submit(single("fails-", "sh", "-c", "test -f " + marker + " || { touch " + marker + "; echo no >&2; exit 3; }"));
        JsonNode failed = watchToEnd(name);
        assertThat(failed.get("status").get("phase").asText()).isEqualTo("Failed");
        JsonNode root = failed.get("status").get("nodes").get(name);
        assertThat(root.get("type").asText()).isEqualTo("Pod");
        assertThat(root.get("phase").asText()).isEqualTo("Failed");
        assertThat(root.get("outputs").get("exitCode").asText()).isEqualTo("3");
        assertThat(root.get("message").asText()).contains("exit code 3");
        ArgoClient.assertShape(failed, "io.argoproj.workflow.v1alpha1.Workflow");

        JsonNode retried = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of("name", name, "namespace", "argo"));
        assertThat(retried.get("metadata").get("name").asText()).isEqualTo(name);
        JsonNode again = watchToEnd(name);
        assertThat(again.get("status").get("phase").asText()).isEqualTo("Succeeded");
        assertThat(argo.call("PUT", "/api/v1/workflows/argo/" + name + "/retry", Map.of()).status()).isEqualTo(400);

        JsonNode resubmitted = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/resubmit", Map.of("name", name));
        String copy = resubmitted.get("metadata").get("name").asText();
        assertThat(copy).startsWith(name + "-");
        assertThat(resubmitted.get("metadata").get("labels").get("workflows.argoproj.io/resubmitted-from-workflow").asText()).isEqualTo(name);
        assertThat(watchToEnd(copy).get("status").get("phase").asText()).isEqualTo("Succeeded");

        assertThat(argo.ok("DELETE", "/api/v1/workflows/argo/" + copy, null).size()).isZero();
        ArgoClient.Response gone = argo.call("GET", "/api/v1/workflows/argo/" + copy, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("code").asInt()).isEqualTo(5);
    }

    @Test
    void stopEndsARunningWorkflow() throws Exception {
        String name = submit(single("sleeps-", "sleep", "300"));
        argo.stream("/api/v1/workflow-events/argo?listOptions.fieldSelector=metadata.name%3D" + name, false,
                e -> !e.path("object").path("status").path("nodes").isEmpty());
        long t0 = System.nanoTime();
        JsonNode stopped = argo.ok("PUT", "/api/v1/workflows/argo/" + name + "/stop", Map.of("name", name, "namespace", "argo"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(30_000);
        assertThat(stopped.get("status").get("phase").asText()).isEqualTo("Failed");
        assertThat(stopped.get("status").get("message").asText()).isEqualTo("Stopped with strategy 'Stop'");
        ArgoClient.Response again = argo.call("PUT", "/api/v1/workflows/argo/" + name + "/terminate", Map.of());
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("message").asText()).contains("cannot shutdown a completed workflow");
    }

    @Test
    void badInputIs400WithTheSpecPathAndNothingIsStored() throws Exception {
        int before = argo.ok("GET", "/api/v1/workflows/argo", null).get("items").size();
        ArgoClient.Response malformed = argo.call("POST", "/api/v1/workflows/argo", "{\"workflow\": {\"metadata\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("code").asInt()).isEqualTo(3);
        assertThat(malformed.json().get("message").asText()).contains("not valid JSON");

        ObjectNode unknown = steps();
        ((ObjectNode) unknown.at("/spec/templates/0/steps/0/0")).put("template", "nope");
        ArgoClient.Response r = argo.call("POST", "/api/v1/workflows/argo", Map.of("workflow", unknown));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(3);
        assertThat(r.json().get("message").asText()).contains("spec.templates[0].steps[0][0]").contains("nope").doesNotContain(dir.toString());

        ObjectNode missing = workflow("{'metadata': {'name': 'needs-p'}, 'spec': {'entrypoint': 'main', 'arguments': {'parameters': [{'name': 'p'}]},"
                + " 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['echo', '{{workflow.parameters.p}}']}}]}}");
        ArgoClient.Response m = argo.call("POST", "/api/v1/workflows/argo", Map.of("workflow", missing));
        assertThat(m.status()).isEqualTo(400);
        assertThat(m.json().get("message").asText()).contains("p");

        ArgoClient.Response big = argo.call("POST", "/api/v1/workflows/argo",
                "{\"workflow\": {\"metadata\": {\"name\": \"" + "x".repeat(70 * 1024) + "\"}}}");
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.json().get("message").asText()).contains("over the limit");

        ArgoClient.Response noName = argo.call("POST", "/api/v1/workflows/argo", Map.of("workflow", workflow("{'spec': {}}")));
        assertThat(noName.status()).isEqualTo(400);

        ArgoClient.Response lint = argo.call("POST", "/api/v1/workflows/argo/lint", Map.of("workflow", unknown));
        assertThat(lint.status()).isEqualTo(400);
        assertThat(argo.ok("POST", "/api/v1/workflows/argo/lint", Map.of("workflow", steps())).get("kind").asText()).isEqualTo("Workflow");
        JsonNode dry = argo.ok("POST", "/api/v1/workflows/argo", Map.of("workflow", steps(), "serverDryRun", true));
        assertThat(dry.get("metadata").get("name").asText()).startsWith("steps-");

        assertThat(argo.ok("GET", "/api/v1/workflows/argo", null).get("items").size()).isEqualTo(before);
        assertThat(argo.call("GET", "/api/v1/workflows/argo/needs-p", null).status()).isEqualTo(404);
    }

    @Test
    void aWorkflowTemplateIsStoredAndSubmittedWithParameters() throws Exception {
        ObjectNode template = workflow("""
                {'metadata': {'name': 'greeter'}, 'spec': {'entrypoint': 'main', 'arguments': {'parameters': [{'name': 'who', 'value': 'world'}]},
                 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['echo', 'hello {{workflow.parameters.who}}']}}]}}
                """);
        template.put("kind", "WorkflowTemplate");
        JsonNode created = argo.ok("POST", "/api/v1/workflow-templates/argo", Map.of("namespace", "argo", "template", template));
        ArgoClient.assertShape(created, "io.argoproj.workflow.v1alpha1.WorkflowTemplate");
        assertThat(argo.call("POST", "/api/v1/workflow-templates/argo", Map.of("template", template)).status()).isEqualTo(409);
        JsonNode list = argo.ok("GET", "/api/v1/workflow-templates/argo", null);
        ArgoClient.assertShape(list, "io.argoproj.workflow.v1alpha1.WorkflowTemplateList");
        assertThat(list.get("items").findValuesAsText("name")).contains("greeter");

        JsonNode submitted = argo.ok("POST", "/api/v1/workflows/argo/submit", Map.of("namespace", "argo", "resourceKind", "WorkflowTemplate",
                "resourceName", "greeter", "submitOptions", Map.of("parameters", List.of("who=floe"))));
        String name = submitted.get("metadata").get("name").asText();
        assertThat(name).startsWith("greeter-");
        JsonNode done = watchToEnd(name);
        assertThat(done.get("status").get("phase").asText()).isEqualTo("Succeeded");
        assertThat(done.get("status").get("nodes").get(name).get("outputs").get("result").asText()).isEqualTo("hello floe");

        ObjectNode changed = created.deepCopy();
        ((ObjectNode) changed.at("/spec/arguments/parameters/0")).put("value", "again");
        JsonNode updated = argo.ok("PUT", "/api/v1/workflow-templates/argo/greeter", Map.of("template", changed));
        assertThat(updated.at("/spec/arguments/parameters/0/value").asText()).isEqualTo("again");
        assertThat(argo.ok("DELETE", "/api/v1/workflow-templates/argo/greeter", null).size()).isZero();
        assertThat(argo.call("GET", "/api/v1/workflow-templates/argo/greeter", null).status()).isEqualTo(404);
    }

    @Test
    void aCronWorkflowRunsOnItsScheduleKeepsItsHistoryLimitAndStopsWhenSuspended() throws Exception {
        ObjectNode bad = workflow("{'metadata': {'name': 'bad-cron'}, 'spec': {'schedule': '61 * * * *', 'workflowSpec': {'entrypoint': 'main',"
                + " 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['true']}}]}}}");
        ArgoClient.Response refused = argo.call("POST", "/api/v1/cron-workflows/argo", Map.of("cronWorkflow", bad));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("message").asText()).contains("spec.schedule").contains("61 * * * *");
        assertThat(argo.call("GET", "/api/v1/cron-workflows/argo/bad-cron", null).status()).isEqualTo(404);
        ObjectNode stopping = workflow("{'metadata': {'name': 'stopping-cron'}, 'spec': {'schedule': '* * * * *',"
                + " 'stopStrategy': {'expression': 'cronworkflow.failed >= 1'}, 'workflowSpec': {'entrypoint': 'main',"
                + " 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['true']}}]}}}");
        ArgoClient.Response notHonoured = argo.call("POST", "/api/v1/cron-workflows/argo", Map.of("cronWorkflow", stopping));
        assertThat(notHonoured.status()).isEqualTo(400);
        assertThat(notHonoured.json().get("message").asText()).startsWith("spec.stopStrategy: not supported by Floe's server");
        assertThat(argo.call("GET", "/api/v1/cron-workflows/argo/stopping-cron", null).status()).isEqualTo(404);

        ObjectNode cron = workflow("{'metadata': {'name': 'ticker'}, 'spec': {'schedules': ['@every 2s'], 'concurrencyPolicy': 'Forbid',"
                + " 'successfulJobsHistoryLimit': 1, 'workflowSpec': {'entrypoint': 'main',"
                + " 'templates': [{'name': 'main', 'container': {'image': 'busybox', 'command': ['echo', 'tick']}}]}}}");
        JsonNode created = argo.ok("POST", "/api/v1/cron-workflows/argo", Map.of("namespace", "argo", "cronWorkflow", cron));
        ArgoClient.assertShape(created, "io.argoproj.workflow.v1alpha1.CronWorkflow");
        // Two scheduled runs: the second one's start means the first was made and ran.
        List<String> names = new ArrayList<>();
        argo.stream("/api/v1/workflow-events/argo?listOptions.labelSelector=workflows.argoproj.io/cron-workflow%3Dticker", true, e -> {
            String n = e.path("object").path("metadata").path("name").asText();
            if (e.path("type").asText().equals("ADDED") && !names.contains(n)) {
                names.add(n);
            }
            return names.size() >= 2 && e.path("object").path("status").path("phase").asText().equals("Succeeded")
                    && n.equals(names.get(1));
        });
        assertThat(names).hasSizeGreaterThanOrEqualTo(2).allMatch(n -> n.startsWith("ticker-"));
        JsonNode suspended = argo.ok("PUT", "/api/v1/cron-workflows/argo/ticker/suspend", Map.of());
        assertThat(suspended.get("spec").get("suspend").asBoolean()).isTrue();
        Thread.sleep(1000);
        JsonNode got = argo.ok("GET", "/api/v1/cron-workflows/argo/ticker", null);
        ArgoClient.assertShape(got, "io.argoproj.workflow.v1alpha1.CronWorkflow");
        assertThat(got.get("status").get("lastScheduledTime").asText()).isNotEmpty();
        int made = argo.ok("GET", "/api/v1/workflows/argo?listOptions.labelSelector=workflows.argoproj.io/cron-workflow%3Dticker", null)
                .get("items").size();
        Thread.sleep(3000);
        JsonNode after = argo.ok("GET", "/api/v1/workflows/argo?listOptions.labelSelector=workflows.argoproj.io/cron-workflow%3Dticker", null);
        // No new run once suspended; ended ones beyond the history limit of 1 succeeded are deleted.
        assertThat(after.get("items").size()).isLessThanOrEqualTo(made);
        long succeeded = 0;
        for (JsonNode w : after.get("items")) {
            succeeded += w.at("/status/phase").asText().equals("Succeeded") ? 1 : 0;
        }
        assertThat(succeeded).isLessThanOrEqualTo(1);
        assertThat(argo.ok("DELETE", "/api/v1/cron-workflows/argo/ticker", null).size()).isZero();
    }

    @Test
    void theBatchApiIsServedOnTheSamePort() throws Exception {
        // Unsigned: the Batch API's own answer (AWS's error shape), not Argo's.
        ArgoClient.Response r = argo.as(null).call("POST", "/v1/describejobqueues", "{}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().has("__type")).isTrue();
        assertThat(Files.exists(dir.resolve("data"))).isTrue();
        assertThat(server.endpoint()).isEqualTo(URI.create(server.endpoint().toString()));
    }
}

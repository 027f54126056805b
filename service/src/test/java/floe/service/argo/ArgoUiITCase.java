package floe.service.argo;

import floe.service.BatchClient;
import floe.service.BatchService;
import floe.testing.Chromium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real headless Chromium against a real server: a fan-out/fan-in workflow submitted
 * through the API, its page followed live until its three loop groups are green with their counts,
 * a task's node and log; the workflows list and its filters; a failed run's page with the failing
 * task red and its message. Screenshots under target/ui-screenshots.
 */
class ArgoUiITCase {
    private static final Path SHOTS = Path.of("target", "ui-screenshots");
    private static final String TOKEN = "t0ken-for-the-ui";
    /** A token allowed every namespace: the Batch pages need one. */
    private static final String ADMIN = "t0ken-for-everything";

    @TempDir
    static Path dir;

    private static BatchService server;
    private static ArgoClient argo;

    @BeforeAll
    static void start() {
        server = TestingArgoServer.start(dir, "argo:" + TOKEN + " *:" + ADMIN, new Configuration());
        argo = new ArgoClient(server.endpoint(), "Bearer " + TOKEN);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** prepare, then three loops of {@code n} tasks each (parts a, b, c), then a join: the reference workflow's shape, smaller. */
    static ObjectNode fanOutFanIn(String generateName, int n, String failOn) throws Exception {
        return fanOutFanIn(generateName, n, failOn, null);
    }

    /** As above; {@code gate}: a file whose creation the first step waits for (or null). */
    static ObjectNode fanOutFanIn(String generateName, int n, String failOn, Path gate) throws Exception {
        String loop = "{'name': 'part-%s', 'dependencies': ['prepare'], 'template': 'work', 'withSequence': {'count': '" + n + "'},"
                + " 'arguments': {'parameters': [{'name': 'part', 'value': '%s{{item}}'}]}}";
        String json = """
                {'metadata': {'generateName': '%s', 'labels': {'team': 'ui'}},
                 'spec': {'entrypoint': 'main', 'templates': [
                   {'name': 'main', 'dag': {'tasks': [
                     {'name': 'prepare', 'template': 'say'},
                     %s, %s, %s,
                     {'name': 'join', 'dependencies': ['part-a', 'part-b', 'part-c'], 'template': 'say'}]}},
                   {'name': 'say', 'container': {'image': 'alpine', 'command': ['sh', '-c', '%s echo step done']}},
                   {'name': 'work', 'inputs': {'parameters': [{'name': 'part'}]},
                    'container': {'image': 'alpine', 'command': ['sh', '-c',
                      'echo working on {{inputs.parameters.part}}; sleep 0.3; if [ {{inputs.parameters.part}} = %s ]; then echo disk full on {{inputs.parameters.part}} >&2; exit 3; fi']}}]}}
                """.formatted(generateName, loop.formatted("a", "a"), loop.formatted("b", "b"), loop.formatted("c", "c"),
                gate == null ? "" : "echo waiting for the gate; while [ ! -e " + gate + " ]; do sleep 0.1; done;", failOn);
        return (ObjectNode) ArgoClient.JSON.readTree(json.replace('\'', '"'));
    }

    static String submit(ObjectNode wf) throws Exception {
        JsonNode created = argo.ok("POST", "/api/v1/workflows/argo", Map.of("namespace", "argo", "workflow", wf));
        return created.get("metadata").get("name").asText();
    }

    @Test
    void aRunsPageFollowsItLiveToItsGreenGroupsAndShowsANodesLog() throws Exception {
        Path gate = dir.resolve("go");
        String name = submit(fanOutFanIn("fan-", 24, "none", gate));
        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/workflows/argo/" + name);
            // With no token the page asks for one; nothing is shown.
            browser.waitFor(() -> chrome.findElement(By.id("ui-status")).getText().contains("token"));
            assertThat(chrome.findElements(By.cssSelector("#graph .node"))).isEmpty();
            browser.useToken(TOKEN);

            // Live: the first step runs (and waits), the loops wait for it.
            browser.waitFor(() -> "Running".equals(chrome.findElement(By.cssSelector("#graph .node[data-stage='prepare']")).getAttribute("data-phase")));
            assertThat(chrome.findElement(By.cssSelector("#run-header .badge")).getText()).isEqualTo("Running");
            assertThat(chrome.findElement(By.cssSelector("#graph .node[data-stage='part-a']")).getAttribute("data-phase")).isEqualTo("Pending");
            assertThat(chrome.findElement(By.id("stop")).isEnabled()).isTrue();
            browser.screenshot("run-running.png");
            Files.createFile(gate);
            Set<String> phasesSeen = new LinkedHashSet<>();
            browser.waitFor(() -> {
                String phase = chrome.findElement(By.tagName("body")).getAttribute("data-phase");
                if (phase != null) {
                    phasesSeen.add(phase);
                }
                return "Succeeded".equals(phase);
            });
            assertThat(phasesSeen).as("the page followed the run while it ran").contains("Running");
            assertThat(chrome.findElement(By.cssSelector("#run-header .badge")).getText()).isEqualTo("Succeeded");
            assertThat(chrome.findElement(By.id("progress")).getText()).isEqualTo("progress 74/74");
            for (String part : new String[] {"part-a", "part-b", "part-c"}) {
                WebElement group = chrome.findElement(By.cssSelector("#graph .node[data-stage='" + part + "']"));
                assertThat(group.getAttribute("data-phase")).isEqualTo("Succeeded");
                assertThat(group.findElement(By.cssSelector("text.size")).getText()).isEqualTo("24 tasks");
                assertThat(group.findElement(By.cssSelector("text.counts")).getText()).isEqualTo("24 Succeeded");
                assertThat(group.findElements(By.cssSelector(".task[data-phase='Succeeded']"))).hasSize(24);
                assertThat(group.findElement(By.cssSelector(".task[data-task='5']")).getCssValue("fill")).isEqualTo("rgb(24, 190, 148)");
            }
            assertThat(chrome.findElements(By.cssSelector("#graph .node"))).hasSize(5);
            assertThat(chrome.findElements(By.cssSelector("#graph path.edge"))).hasSize(6);
            assertThat(chrome.findElement(By.id("timeline-canvas")).isDisplayed()).isTrue();

            chrome.findElement(By.cssSelector("#graph .node[data-stage='part-b'] .task[data-task='7']")).click();
            WebElement details = chrome.findElement(By.id("details"));
            assertThat(details.findElement(By.tagName("h3")).getText()).isEqualTo("part-b(7) Succeeded");
            browser.waitFor(() -> "true".equals(chrome.findElement(By.id("task-log")).getAttribute("data-loaded")));
            assertThat(chrome.findElement(By.id("task-log")).getText()).isEqualTo("working on b7");
            browser.waitFor(() -> !chrome.findElements(By.id("node-inputs")).isEmpty());
            assertThat(chrome.findElement(By.id("node-inputs")).getText()).isEqualTo("part=b7");
            assertThat(chrome.findElement(By.id("node-outputs")).getText()).contains("exitCode=0").contains("result=working on b7");
            assertThat(chrome.findElement(By.id("node-facts")).getText()).contains(name + ".part-b(7:7)");
            browser.screenshot("run-succeeded.png");

            // The list: the run with its phase and progress; the phase filter hides it.
            chrome.findElement(By.cssSelector("#actions a.back")).click();
            browser.waitFor(() -> !chrome.findElements(By.cssSelector("#workflows tr.wf[data-name='" + name + "']")).isEmpty());
            WebElement row = chrome.findElement(By.cssSelector("#workflows tr.wf[data-name='" + name + "']"));
            assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Succeeded");
            assertThat(row.findElement(By.cssSelector("td.progress")).getText()).isEqualTo("74/74");
            browser.screenshot("workflows.png");
            new org.openqa.selenium.support.ui.Select(chrome.findElement(By.id("phase"))).selectByVisibleText("Failed");
            browser.waitFor(() -> chrome.findElements(By.cssSelector("#workflows tr.wf[data-name='" + name + "']")).isEmpty());
            chrome.findElement(By.id("labels")).sendKeys("team=ui");
            new org.openqa.selenium.support.ui.Select(chrome.findElement(By.id("phase"))).selectByVisibleText("Succeeded");
            browser.waitFor(() -> !chrome.findElements(By.cssSelector("#workflows tr.wf[data-name='" + name + "']")).isEmpty());
            chrome.findElement(By.id("labels")).clear();
            chrome.findElement(By.id("labels")).sendKeys("team=other");
            chrome.findElement(By.cssSelector("#filters button[type='submit']")).click();
            browser.waitFor(() -> chrome.findElements(By.cssSelector("#workflows tr.wf[data-name='" + name + "']")).isEmpty());
        }
    }

    @Test
    void aFailedRunsPageShowsTheFailingTaskRedWithItsMessage() throws Exception {
        String name = submit(fanOutFanIn("breaks-", 6, "c3"));
        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/");
            browser.useToken(TOKEN);
            chrome.get(server.endpoint() + "/workflows/argo/" + name);
            browser.waitFor(() -> "Failed".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase")));
            assertThat(chrome.findElement(By.id("run-message")).getText()).contains("part-c").contains("task 3");
            WebElement group = chrome.findElement(By.cssSelector("#graph .node[data-stage='part-c']"));
            assertThat(group.getAttribute("data-phase")).isEqualTo("Failed");
            WebElement failed = group.findElement(By.cssSelector(".task[data-task='3']"));
            assertThat(failed.getAttribute("data-phase")).isEqualTo("Failed");
            assertThat(failed.getCssValue("fill")).isEqualTo("rgb(233, 109, 118)");
            assertThat(chrome.findElement(By.cssSelector("#graph .node[data-stage='join']")).getAttribute("data-phase")).isEqualTo("Omitted");
            assertThat(chrome.findElement(By.id("retry")).isEnabled()).isTrue();
            assertThat(chrome.findElement(By.id("stop")).isEnabled()).isFalse();

            failed.click();
            WebElement details = chrome.findElement(By.id("details"));
            assertThat(details.findElement(By.tagName("h3")).getText()).isEqualTo("part-c(3) Failed");
            assertThat(details.findElement(By.id("task-message")).getText()).contains("exit code 3");
            assertThat(details.findElement(By.id("task-facts")).getText()).contains("Exit code\n3");
            browser.waitFor(() -> "true".equals(chrome.findElement(By.id("task-log")).getAttribute("data-loaded")));
            assertThat(chrome.findElement(By.id("task-log")).getText()).contains("working on c3").contains("disk full on c3");
            browser.screenshot("run-failed.png");
        }
    }

    @Test
    void templatesPageSubmitsATemplateAndShowsACronsNextTimes() throws Exception {
        argo.ok("POST", "/api/v1/workflow-templates/argo", Map.of("namespace", "argo", "template", ArgoClient.JSON.readTree("""
                {"metadata": {"name": "greet"}, "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "who", "value": "world"}]},
                 "templates": [{"name": "main", "container": {"image": "alpine", "command": ["echo", "hello {{workflow.parameters.who}}"]}}]}}
                """)));
        argo.ok("POST", "/api/v1/cron-workflows/argo", Map.of("namespace", "argo", "cronWorkflow", ArgoClient.JSON.readTree("""
                {"metadata": {"name": "nightly"}, "spec": {"schedule": "30 2 * * *", "timezone": "UTC", "workflowSpec": {"entrypoint": "main",
                 "templates": [{"name": "main", "container": {"image": "alpine", "command": ["true"]}}]}}}
                """)));
        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/templates");
            browser.useToken(TOKEN);
            browser.waitFor(() -> chrome.findElement(By.cssSelector("tr.cron[data-name='nightly'] td.next")).getText().contains("0:00"));
            String next = chrome.findElement(By.cssSelector("tr.cron[data-name='nightly'] td.next")).getText();
            // Three days at 02:30 UTC, shown in the browser's time zone.
            assertThat(next.split("\n")).hasSize(3).allMatch(t -> t.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d0:00"));
            assertThat(chrome.findElement(By.cssSelector("tr.cron[data-name='nightly']")).getText()).contains("30 2 * * * (UTC)");
            WebElement who = chrome.findElement(By.cssSelector("tr.template[data-name='greet'] input[data-param='who']"));
            assertThat(who.getAttribute("value")).isEqualTo("world");
            browser.screenshot("templates.png");
            who.clear();
            who.sendKeys("floe");
            chrome.findElement(By.cssSelector("tr.template[data-name='greet'] form.submit button")).click();
            browser.waitFor(() -> chrome.getCurrentUrl().contains("/workflows/argo/greet-"));
            browser.waitFor(() -> "Succeeded".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase")));
            chrome.findElement(By.cssSelector("#graph .node")).click();
            browser.waitFor(() -> "true".equals(chrome.findElement(By.id("task-log")).getAttribute("data-loaded")));
            assertThat(chrome.findElement(By.id("task-log")).getText()).isEqualTo("hello floe");
        }
    }

    @Test
    void batchPagesShowAnArrayJobsCountsItsFailingChildsReasonAndLogAndItsDependent() throws Exception {
        BatchClient batch = BatchClient.of(server.endpoint(), "AKID", "secret");
        batch.call("createjobqueue", json("{'jobQueueName': 'ui-queue', 'priority': 7}"));
        batch.call("registerjobdefinition", json("{'jobDefinitionName': 'child-2-fails', 'type': 'container', 'containerProperties':"
                + " {'image': 'busybox', 'command': ['sh', '-c', 'echo child $AWS_BATCH_JOB_ARRAY_INDEX at work;"
                + " if [ $AWS_BATCH_JOB_ARRAY_INDEX = 2 ]; then echo no space left on child 2 >&2; exit 5; fi']}}"));
        batch.call("registerjobdefinition", json("{'jobDefinitionName': 'after', 'type': 'container',"
                + " 'containerProperties': {'image': 'busybox', 'command': ['echo', 'after']}}"));
        String array = batch.call("submitjob", json("{'jobName': 'parts', 'jobQueue': 'ui-queue', 'jobDefinition': 'child-2-fails',"
                + " 'arrayProperties': {'size': 4}}")).get("jobId").asText();
        String after = batch.call("submitjob", json("{'jobName': 'merge', 'jobQueue': 'ui-queue', 'jobDefinition': 'after',"
                + " 'dependsOn': [{'jobId': '" + array + "'}]}")).get("jobId").asText();
        long until = System.currentTimeMillis() + 120_000;
        while (!batch.call("describejobs", json("{'jobs': ['" + after + "']}")).path("jobs").path(0).path("status").asText().equals("FAILED")) {
            assertThat(System.currentTimeMillis()).as("the dependent job to fail").isLessThan(until);
            Thread.sleep(200);
        }

        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/batch");
            browser.useToken(ADMIN);
            browser.waitFor(() -> !chrome.findElements(By.cssSelector("tr.queue[data-name='ui-queue']")).isEmpty());
            WebElement queue = chrome.findElement(By.cssSelector("tr.queue[data-name='ui-queue']"));
            assertThat(queue.getText()).contains("ENABLED").contains("VALID").contains("7").contains("embedded Flink");
            assertThat(queue.findElement(By.cssSelector("td.count[data-status='FAILED']")).getText()).isEqualTo("2");
            assertThat(queue.findElement(By.cssSelector("td.count[data-status='RUNNING']")).getText()).isEqualTo("0");
            browser.screenshot("batch-queues.png");

            // The queue's FAILED jobs: the array job and the job that depended on it.
            queue.findElement(By.cssSelector("td.count[data-status='FAILED'] a")).click();
            browser.waitFor(() -> chrome.findElements(By.cssSelector("#queue-jobs tr.job")).size() == 2);
            assertThat(chrome.findElement(By.cssSelector("#status-tabs a.on")).getText()).isEqualTo("FAILED 2");
            assertThat(chrome.findElement(By.cssSelector("#status-tabs a[data-status='SUCCEEDED']")).getText()).isEqualTo("SUCCEEDED 0");
            assertThat(chrome.findElement(By.cssSelector("tr.job[data-name='merge']")).getText()).contains("FAILED");
            browser.screenshot("batch-queue-failed.png");

            // The array job: its counts, the failing child's exit code and reason, the job that waited for it.
            chrome.findElement(By.cssSelector("tr.job[data-name='parts'] a")).click();
            browser.waitFor(() -> chrome.findElements(By.cssSelector("#children-table tr.child")).size() == 4);
            assertThat(chrome.findElement(By.id("job-title")).getText()).isEqualTo("parts FAILED");
            assertThat(chrome.findElement(By.id("job-reason")).getText()).isEqualTo("1 of 4 child jobs failed (the first: child 2)");
            assertThat(chrome.findElement(By.cssSelector("#status-summary a[data-status='SUCCEEDED']")).getText()).isEqualTo("SUCCEEDED 3");
            assertThat(chrome.findElement(By.cssSelector("#status-summary a[data-status='FAILED']")).getText()).isEqualTo("FAILED 1");
            WebElement failed = chrome.findElement(By.cssSelector("#children-table tr.child[data-index='2']"));
            assertThat(failed.getAttribute("data-status")).isEqualTo("FAILED");
            assertThat(failed.findElement(By.cssSelector("td.exit")).getText()).isEqualTo("5");
            assertThat(failed.findElement(By.cssSelector("td.reason")).getText()).isEqualTo("exited with code 5");
            assertThat(chrome.findElement(By.cssSelector("#dependents li[data-id='" + after + "']")).getText()).isEqualTo("merge FAILED");
            assertThat(chrome.findElements(By.id("job-log"))).as("an array job's log is its children's").isEmpty();
            browser.screenshot("batch-array-job.png");
            chrome.findElement(By.cssSelector("#status-summary a[data-status='FAILED']")).click();
            browser.waitFor(() -> chrome.findElements(By.cssSelector("#children-table tr.child")).size() == 1);

            // The failing child: its attempt and its log.
            chrome.findElement(By.cssSelector("#children-table tr.child[data-index='2'] a")).click();
            browser.waitFor(() -> "true".equals(chrome.findElement(By.id("job-log")).getAttribute("data-loaded")));
            assertThat(chrome.findElement(By.id("job-title")).getText()).isEqualTo("parts [2] FAILED");
            assertThat(chrome.findElements(By.cssSelector("#attempts-table tr.attempt"))).hasSize(1);
            assertThat(chrome.findElement(By.cssSelector("#attempts-table tr.attempt td.exit")).getText()).isEqualTo("5");
            assertThat(chrome.findElement(By.id("job-log")).getText()).isEqualTo("child 2 at work\nno space left on child 2");
            browser.screenshot("batch-failed-child.png");

            // The dependent job links back to the array job.
            chrome.get(server.endpoint() + "/batch/jobs/" + after);
            browser.waitFor(() -> !chrome.findElements(By.cssSelector("#depends-on li[data-id='" + array + "']")).isEmpty());
            assertThat(chrome.findElement(By.cssSelector("#depends-on li[data-id='" + array + "']")).getText()).isEqualTo("parts FAILED");
            assertThat(chrome.findElement(By.id("job-reason")).getText()).isNotEmpty();
            chrome.findElement(By.cssSelector("#depends-on li a")).click();
            browser.waitFor(() -> chrome.getCurrentUrl().endsWith("/batch/jobs/" + array));
        }
        // A token of one namespace may not read Batch jobs, which have none.
        ArgoClient.Response refused = argo.call("GET", "/api/v1/batch/job-queues", null);
        assertThat(refused.status()).isEqualTo(403);
    }

    @Test
    void suspendAndResumeButtonsHoldARunsNextStepAndLetItGoOn() throws Exception {
        Path gate = dir.resolve("suspend-gate");
        String name = submit(fanOutFanIn("held-", 2, "none", gate));
        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/");
            browser.useToken(TOKEN);
            chrome.get(server.endpoint() + "/workflows/argo/" + name);
            browser.waitFor(() -> "Running".equals(chrome.findElement(By.cssSelector("#graph .node[data-stage='prepare']")).getAttribute("data-phase")));
            chrome.findElement(By.id("suspend")).click();
            chrome.switchTo().alert().accept();
            browser.waitFor(() -> "true".equals(chrome.findElement(By.tagName("body")).getAttribute("data-suspended")));
            assertThat(chrome.findElement(By.id("suspended-note")).isDisplayed()).isTrue();
            assertThat(chrome.findElement(By.id("suspend")).isEnabled()).isFalse();
            Files.createFile(gate);
            browser.waitFor(() -> "Succeeded".equals(chrome.findElement(By.cssSelector("#graph .node[data-stage='prepare']")).getAttribute("data-phase")));
            Thread.sleep(2000);
            // Read between two of the page's redraws.
            String[] partA = new String[1];
            browser.waitFor(() -> (partA[0] = chrome.findElement(By.cssSelector("#graph .node[data-stage='part-a']")).getAttribute("data-phase")) != null);
            assertThat(partA[0]).as("the loop after the suspended step").isEqualTo("Pending");
            browser.screenshot("run-suspended.png");
            chrome.findElement(By.id("resume")).click();
            browser.waitFor(() -> "Succeeded".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase")));
            assertThat(chrome.findElement(By.id("suspended-note")).isDisplayed()).isFalse();
        }
    }

    @Test
    void aSuspendNodeIsResumedFromTheRunPageWithTheValueTyped() throws Exception {
        ObjectNode wf = (ObjectNode) ArgoClient.JSON.readTree("""
                {"metadata": {"generateName": "approval-"},
                 "spec": {"entrypoint": "main", "templates": [
                   {"name": "main", "steps": [[{"name": "approve", "template": "approve"}],
                     [{"name": "print", "template": "print", "arguments": {"parameters": [
                        {"name": "answer", "value": "{{steps.approve.outputs.parameters.answer}}"}]}}]]},
                   {"name": "approve", "suspend": {},
                    "outputs": {"parameters": [{"name": "answer", "valueFrom": {"supplied": {}, "default": "NO"}}]}},
                   {"name": "print", "inputs": {"parameters": [{"name": "answer"}]},
                    "container": {"image": "busybox", "command": ["echo", "answer is {{inputs.parameters.answer}}"]}}]}}
                """);
        String name = submit(wf);
        try (Browser browser = new Browser()) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(server.endpoint() + "/");
            browser.useToken(TOKEN);
            chrome.get(server.endpoint() + "/workflows/argo/" + name);
            browser.waitFor(() -> !chrome.findElements(By.cssSelector("form.waiting[data-node='approve']")).isEmpty());
            WebElement answer = chrome.findElement(By.cssSelector("form.waiting[data-node='approve'] input[data-param='answer']"));
            assertThat(answer.getAttribute("value")).isEqualTo("NO");
            Thread.sleep(1500); // the page polls meanwhile: the form stays as it is
            answer.clear();
            answer.sendKeys("YES, ship it");
            browser.screenshot("run-waiting-node.png");
            chrome.findElement(By.cssSelector("form.waiting[data-node='approve'] button.resume-node")).click();
            browser.waitFor(() -> "Succeeded".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase")));
            assertThat(chrome.findElements(By.cssSelector("form.waiting"))).isEmpty();
            chrome.findElement(By.cssSelector("#graph .node[data-stage='print']")).click();
            browser.waitFor(() -> "true".equals(chrome.findElement(By.id("task-log")).getAttribute("data-loaded")));
            assertThat(chrome.findElement(By.id("task-log")).getText()).isEqualTo("answer is YES, ship it");
        }
    }

    private static JsonNode json(String text) throws Exception {
        return ArgoClient.JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void pagesAreServedWithoutATokenButTheirDataIsNot() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/", "/templates", "/batch", "/batch/queues/q", "/batch/jobs/j", "/ui/batch.js", "/ui/ui.js", "/ui/run.js", "/ui/workflows.js", "/ui/templates.js", "/ui/ui.css",
                "/workflows/argo/anything"}) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            // Nothing from the network: no script, style or image from another host.
            assertThat(page.body()).as(path).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//").doesNotContain("url(http")
                    .doesNotContain("@import");
        }
        HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/api/v1/workflows/argo/x/run-state")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(state.statusCode()).isEqualTo(401);
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/ui/nope.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    /** A chromium for one test, its screenshots kept under target/ui-screenshots. */
    private static final class Browser implements AutoCloseable {
        final ChromeDriver chrome;

        Browser() throws Exception {
            chrome = Chromium.start(Files.createTempDirectory(dir, "chromium-profile"));
            // Tall enough for the screenshots to show a task's details and log below the graph and timeline.
            chrome.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1900));
        }

        void useToken(String token) {
            WebElement field = chrome.findElement(By.id("token"));
            field.clear();
            field.sendKeys(token);
            chrome.findElement(By.id("token-save")).click();
        }

        void waitFor(java.util.function.BooleanSupplier condition) {
            new WebDriverWait(chrome, Duration.ofSeconds(90)).pollingEvery(Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(d -> condition.getAsBoolean());
        }

        void screenshot(String name) throws Exception {
            Files.createDirectories(SHOTS);
            Files.move(chrome.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void close() {
            chrome.quit();
        }
    }
}

package floe.jobs.report;

import floe.jobs.FloeRun;
import floe.testing.Chromium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code floe run --report}: the page a run leaves, opened from disk in a real headless chromium
 * with no server: the reference workflow's three stages green with their counts, a task's details
 * and its log; a failed run's failing task red with its message. Screenshots go to
 * {@code target/report-screenshots/}.
 */
class RunReportITCase {
    private static final Path SHOTS = Path.of("target/report-screenshots");

    @TempDir
    Path dir;

    @Test
    void referenceWorkflowsPageShowsThreeGreenStagesWithTheirCountsAndATasksLog() throws Exception {
        File volume = dir.resolve("vol").toFile();
        FloeRun generate = FloeRun.of("generate", "--format", "csv", "--out", volume.getPath(), "--records", "200");
        assertThat(generate.exitCode()).as(generate.err()).isZero();
        Path report = dir.resolve("out/process-data.html");
        Path logs = dir.resolve("logs");

        FloeRun run = FloeRun.of("run", "../conf/examples/process-data/process-data.yaml", "--volume", "workdir=" + volume,
                "-D", "floe.task.log-dir=" + logs, "--report", report.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("report   " + report.toAbsolutePath());
        assertThat(Files.readString(report)).doesNotContain("src=\"http", "href=\"http", "@import", "url(http");
        try (Browser browser = new Browser(dir)) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(report.toUri().toString());

            assertThat(chrome.getTitle()).isEqualTo("process-data \u00b7 Succeeded \u00b7 Floe");
            assertThat(chrome.findElement(By.id("progress")).getText()).isEqualTo("progress 97/97");
            List<WebElement> nodes = chrome.findElements(By.cssSelector("#graph .node"));
            assertThat(nodes).extracting(n -> n.getAttribute("data-stage"))
                    .containsExactly("process-data-l1", "process-data-l2", "merge-data");
            assertThat(nodes).extracting(n -> n.getAttribute("data-phase")).containsOnly("Succeeded");
            assertThat(nodes).extracting(n -> n.getAttribute("data-tasks")).containsExactly("64", "32", "1");
            assertThat(nodes.get(0).findElement(By.cssSelector("text.counts")).getText()).isEqualTo("64 Succeeded");
            assertThat(nodes.get(0).findElement(By.cssSelector("text.size")).getText()).isEqualTo("64 tasks");
            assertThat(nodes.get(1).findElement(By.cssSelector("text.counts")).getText()).isEqualTo("32 Succeeded");
            assertThat(chrome.findElements(By.cssSelector("#graph .node .task"))).hasSize(96)
                    .allSatisfy(t -> assertThat(t.getAttribute("data-phase")).isEqualTo("Succeeded"));
            assertThat(chrome.findElements(By.cssSelector("#graph .edge"))).hasSize(2);
            assertThat(chrome.findElement(By.id("timeline-canvas")).getSize().getHeight()).isGreaterThan(40);
            // the laid-out nodes lie top to bottom, in the order the stages run
            assertThat(nodes.get(0).getRect().getY()).isLessThan(nodes.get(1).getRect().getY());
            assertThat(nodes.get(1).getRect().getY()).isLessThan(nodes.get(2).getRect().getY());

            nodes.get(0).findElement(By.cssSelector(".task[data-task='5']")).click();
            WebElement details = chrome.findElement(By.id("details"));
            assertThat(details.findElement(By.tagName("h3")).getText()).isEqualTo("process-data-l1(5) Succeeded");
            assertThat(details.findElement(By.id("task-facts")).getText()).contains("Attempts\n1").contains("Exit code\n0");
            // process.py writes nothing on stdout or stderr: no log file, and the page says so
            assertThat(details.findElement(By.cssSelector("#task-logs [data-attempt='1']")).getText())
                    .isEqualTo("attempt 1: no output written (" + logs.toAbsolutePath() + "/process-data/process-data-l1/task-00005.attempt-1.out)");
            assertThat(logs.resolve("process-data/process-data-l1/task-00005.attempt-1.out")).doesNotExist();
            browser.screenshot("process-data.png");

            // a stage's node lists its tasks
            nodes.get(1).findElement(By.cssSelector("text.name")).click();
            assertThat(chrome.findElements(By.cssSelector("#tasks tr.task-row"))).hasSize(32);
        }
    }

    @Test
    void treeMergeWritesItsPageToo() throws Exception {
        Path avro = dir.resolve("avro");
        assertThat(FloeRun.of("generate", "--out", avro.toString(), "--records", "100").exitCode()).isZero();
        Path report = dir.resolve("tree-merge.html");

        FloeRun merge = FloeRun.of("tree-merge", "--input", avro + "/level-0", "--work", avro + "/work", "--output", avro + "/out",
                "--report", report.toString());

        assertThat(merge.exitCode()).as(merge.err()).isZero();
        String page = Files.readString(report);
        assertThat(page).contains("\"phase\":\"Succeeded\"", "\"progress\":\"97/97\"", "\"counts\":{\"Succeeded\":64}",
                "\"counts\":{\"Succeeded\":32}");
    }

    @Test
    void failedRunsPageShowsTheFailingTaskRedWithItsMessage() throws Exception {
        Path spec = dir.resolve("breaks.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: breaks
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      steps:
                        - - name: prepare
                            template: work
                            arguments: {parameters: [{name: n, value: "0"}]}
                        - - name: work
                            template: work
                            arguments: {parameters: [{name: n, value: "{{item}}"}]}
                            withSequence: {count: "6"}
                        - - name: never
                            template: work
                            arguments: {parameters: [{name: n, value: "0"}]}
                    - name: work
                      inputs: {parameters: [{name: n}]}
                      container:
                        image: alpine
                        command: [sh, -c, 'echo "working on {{inputs.parameters.n}}"; if [ {{inputs.parameters.n}} = 3 ]; then echo "disk full on part 3" >&2; exit 3; fi']
                """);
        Path report = dir.resolve("breaks.html");

        FloeRun run = FloeRun.of("run", spec.toString(), "-D", "floe.task.log-dir=" + dir.resolve("logs"), "--report", report.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'work' task 3 failed after 1 attempt");
        assertThat(report).exists();
        try (Browser browser = new Browser(dir)) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(report.toUri().toString());

            assertThat(chrome.findElement(By.cssSelector("header .badge")).getText()).isEqualTo("Failed");
            assertThat(chrome.findElement(By.id("run-message")).getText()).contains("stage 'work' task 3 failed after 1 attempt")
                    .contains("disk full on part 3");
            WebElement work = chrome.findElement(By.cssSelector("#graph .node[data-stage='work']"));
            assertThat(work.getAttribute("data-phase")).isEqualTo("Failed");
            WebElement failed = work.findElement(By.cssSelector(".task[data-task='3']"));
            assertThat(failed.getAttribute("data-phase")).isEqualTo("Failed");
            assertThat(failed.getCssValue("fill")).isEqualTo("rgb(233, 109, 118)");
            assertThat(chrome.findElement(By.cssSelector("#graph .node[data-stage='prepare']")).getAttribute("data-phase"))
                    .isEqualTo("Succeeded");
            assertThat(chrome.findElement(By.cssSelector("#graph .node[data-stage='never']")).getAttribute("data-phase"))
                    .isEqualTo("Omitted");

            failed.click();
            WebElement details = chrome.findElement(By.id("details"));
            assertThat(details.findElement(By.tagName("h3")).getText()).isEqualTo("work(3) Failed");
            assertThat(details.findElement(By.id("task-message")).getText()).contains("disk full on part 3");
            assertThat(details.findElement(By.id("task-facts")).getText()).contains("Exit code\n3");
            browser.screenshot("failed-run.png");
            String stdout = details.findElement(By.cssSelector("#task-logs a[data-log='out']")).getAttribute("href");
            String stderr = details.findElement(By.cssSelector("#task-logs a[data-log='err']")).getAttribute("href");
            assertThat(stdout).isEqualTo(dir.resolve("logs/breaks/work/task-00003.attempt-1.out").toUri().toString());
            chrome.get(stderr);
            assertThat(chrome.findElement(By.tagName("body")).getText()).isEqualTo("disk full on part 3");
            chrome.get(stdout);
            assertThat(chrome.findElement(By.tagName("body")).getText()).isEqualTo("working on 3");
        }
    }

    @Test
    void pageOfTenThousandTasksShowsOneGroupNodeAndLoadsQuickly() throws Exception {
        floe.model.Workflow workflow = floe.model.Workflow.named("wide")
                .stage("split", st -> st.command("true"))
                .stage("work", st -> st.withSequence(10_000).after("split").command("true"))
                .stage("join", st -> st.after("work").command("true"))
                .build();
        floe.report.RunRecorder recorder = floe.report.RunRecorder.of(workflow, dir.resolve("logs"), floe.run.ProgressListener.none());
        long t0 = System.currentTimeMillis();
        java.util.List<floe.report.TaskRecord> records = new java.util.ArrayList<>();
        records.add(new floe.report.TaskRecord("split", 0, floe.report.NodePhase.SUCCEEDED, 1, t0, t0 + 200, 0, null));
        for (int i = 0; i < 10_000; i++) {
            // 128 at a time, about 2 s each, a few retried and failed in a stage that continues
            long start = t0 + 300 + (i / 128) * 2_000L + (i % 128) * 3L;
            boolean failed = i % 1000 == 999;
            records.add(new floe.report.TaskRecord("work", i, failed ? floe.report.NodePhase.FAILED : floe.report.NodePhase.SUCCEEDED,
                    failed ? 3 : 1, start, start + 1_500 + (i * 37L) % 900, failed ? 1 : 0, failed ? "exited with code 1: no space left" : null));
        }
        records.add(new floe.report.TaskRecord("join", 0, floe.report.NodePhase.SUCCEEDED, 1, t0 + 160_000, t0 + 161_000, 0, null));
        recorder.tasksEnded("wide", records);
        recorder.succeeded();
        Path report = dir.resolve("wide.html");
        long writing = System.nanoTime();
        floe.report.RunPage.write(recorder.state(), report);
        long writeMillis = (System.nanoTime() - writing) / 1_000_000;

        try (Browser browser = new Browser(dir)) {
            ChromeDriver chrome = browser.chrome;
            chrome.get(report.toUri().toString());
            long load = ((Number) chrome.executeScript("var t = performance.getEntriesByType('navigation')[0];"
                    + " return Math.round(t.loadEventEnd - t.startTime);")).longValue();
            String rendered = chrome.findElement(By.tagName("body")).getAttribute("data-rendered-ms");
            System.out.printf("report of 10,000 tasks: %,d bytes, written in %d ms, loaded in %d ms (script %s ms)%n",
                    Files.size(report), writeMillis, load, rendered);

            WebElement work = chrome.findElement(By.cssSelector("#graph .node[data-stage='work']"));
            assertThat(work.findElements(By.cssSelector(".task"))).isEmpty();
            assertThat(work.findElement(By.cssSelector("text.size")).getText()).isEqualTo("10,000 tasks");
            assertThat(work.findElement(By.cssSelector("text.counts")).getText()).isEqualTo("9,990 Succeeded \u00b7 10 Failed");
            assertThat(chrome.findElements(By.cssSelector("#graph .node"))).hasSize(3);
            work.click();
            chrome.findElement(By.cssSelector(".filters button[data-filter='Failed']")).click();
            assertThat(chrome.findElements(By.cssSelector("#tasks tr.task-row"))).hasSize(10);
            browser.screenshot("ten-thousand-tasks.png");
            assertThat(Files.size(report)).isLessThan(500_000);
            assertThat(load).isLessThan(5_000);
        }
    }

    /** A chromium for one test, its screenshots kept under target/. */
    private static final class Browser implements AutoCloseable {
        final ChromeDriver chrome;

        Browser(Path dir) throws Exception {
            chrome = Chromium.start(dir.resolve("chromium-profile"));
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

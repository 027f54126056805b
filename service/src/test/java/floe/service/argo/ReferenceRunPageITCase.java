package floe.service.argo;

import floe.service.BatchService;
import floe.service.testutils.MetricCsv;
import floe.testing.Chromium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users' reference workflow ({@code process-data.yaml}: 128 CSV files merged 64 -> 32 -> 1 by
 * python commands) submitted to {@code floe server} through Argo's API as the {@code argo} CLI
 * sends it, and followed on its run page in a real headless Chromium: the page shows the run as it
 * runs, its three steps' groups turn green with 64, 32 and 1 command tasks (97 in all), a task's
 * node opens with its outputs and log; the result on the volume is the merge of the inputs.
 * Screenshot: target/ui-screenshots/reference-run.png.
 */
class ReferenceRunPageITCase {
    static final Path WORKFLOW = Path.of("../conf/examples/process-data/process-data.yaml").toAbsolutePath().normalize();
    static final String TOKEN = "t0ken-for-the-reference-run";

    @TempDir
    static Path dir;

    @Test
    void theReferenceWorkflowsPageTurnsGreenGroupByGroup() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("vol"));
        MetricCsv.generate(volume, 128, 100, 7);
        try (BatchService server = TestingArgoServer.start(dir, "argo:" + TOKEN, new Configuration(),
                Map.of("workdir", volume.toString()), WORKFLOW.getParent().toString())) {
            ArgoClient argo = new ArgoClient(server.endpoint(), "Bearer " + TOKEN);
            ObjectNode workflow = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
            JsonNode created = argo.ok("POST", "/api/v1/workflows/argo", Map.of("namespace", "argo", "workflow", workflow));
            String name = created.get("metadata").get("name").asText();

            ChromeDriver chrome = Chromium.start(Files.createTempDirectory(dir, "chromium-profile"));
            try {
                chrome.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1900));
                chrome.get(server.endpoint() + "/workflows/argo/" + name);
                WebElement field = waitFor(chrome, () -> chrome.findElement(By.id("token")).isDisplayed(), By.id("token"));
                field.sendKeys(TOKEN);
                chrome.findElement(By.id("token-save")).click();

                // Followed live: the page shows the run before it ends, then each group green.
                waitFor(chrome, () -> chrome.findElements(By.cssSelector("#graph .node")).size() >= 3, null);
                String phaseWhileOpen = chrome.findElement(By.tagName("body")).getAttribute("data-phase");
                waitFor(chrome, () -> "Succeeded".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase")), null);
                assertThat(phaseWhileOpen).isIn("Pending", "Running", "Succeeded");
                assertThat(chrome.findElement(By.id("progress")).getText()).isEqualTo("progress 97/97");

                Map<String, Integer> sizes = Map.of("process-data-l1", 64, "process-data-l2", 32, "merge-data", 1);
                List<WebElement> stages = chrome.findElements(By.cssSelector("#graph .node[data-stage]"));
                assertThat(stages).extracting(e -> e.getAttribute("data-stage")).containsAll(sizes.keySet());
                for (Map.Entry<String, Integer> stage : sizes.entrySet()) {
                    WebElement node = chrome.findElement(By.cssSelector("#graph .node[data-stage='" + stage.getKey() + "']"));
                    assertThat(node.getAttribute("data-phase")).as(stage.getKey()).isEqualTo("Succeeded");
                    if (stage.getValue() > 1) {
                        // A loop is one group node holding a square per task; a single task is its node.
                        assertThat(node.findElements(By.cssSelector(".task[data-phase='Succeeded']"))).as(stage.getKey())
                                .hasSize(stage.getValue());
                        assertThat(node.findElement(By.cssSelector("text.counts")).getText()).isEqualTo(stage.getValue() + " Succeeded");
                    }
                }

                chrome.findElement(By.cssSelector("#graph .node[data-stage='process-data-l1'] .task[data-task='5']")).click();
                WebElement details = chrome.findElement(By.id("details"));
                assertThat(details.findElement(By.tagName("h3")).getText()).contains("Succeeded");
                waitFor(chrome, () -> "true".equals(chrome.findElement(By.id("task-log")).getAttribute("data-loaded")), null);
                waitFor(chrome, () -> !chrome.findElements(By.id("node-outputs")).isEmpty(), null);
                assertThat(chrome.findElement(By.id("node-outputs")).getText()).contains("exitCode=0");
                assertThat(chrome.findElement(By.id("node-inputs")).getText()).contains("file_number=5").contains("level=1");
                Path shots = Files.createDirectories(Path.of("target", "ui-screenshots"));
                Files.move(chrome.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("reference-run.png"), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                chrome.quit();
            }
        }
        assertThat(MetricCsv.read(volume.resolve("result/result.csv")))
                .containsExactlyElementsOf(MetricCsv.merged(volume.resolve("level-0")).entrySet());
    }

    private static WebElement waitFor(ChromeDriver chrome, BooleanSupplier condition, By then) {
        new WebDriverWait(chrome, Duration.ofMinutes(3)).pollingEvery(Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(d -> condition.getAsBoolean());
        return then == null ? null : chrome.findElement(then);
    }
}

package floe.report;

import floe.TaskFailedException;
import floe.model.Workflow;
import floe.run.ProgressListener;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's state as its page reads it: counts, phases, task columns, the layout; and the page around it. */
class RunStateJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Workflow fanOutFanIn(int tasks) {
        return Workflow.named("fan")
                .stage("split", s -> s.command("true"))
                .stage("work", s -> s.withSequence(tasks).after("split").command("true"))
                .stage("join", s -> s.after("work").command("true"))
                .build();
    }

    @Test
    void failedRunCountsEachPhaseAndKeepsTheFailingTasksMessage() throws Exception {
        RunRecorder recorder = RunRecorder.of(fanOutFanIn(4), Path.of("/logs"), ProgressListener.none());
        long t0 = System.currentTimeMillis();
        recorder.tasksEnded("fan", List.of(
                new TaskRecord("split", 0, NodePhase.SUCCEEDED, 1, t0, t0 + 100, 0, null),
                new TaskRecord("work", 1, NodePhase.SUCCEEDED, 2, t0 + 200, t0 + 300, 0, null),
                new TaskRecord("work", 0, NodePhase.SKIPPED, 1, t0 + 150, t0 + 150, null, "when 'false' was false"),
                new TaskRecord("work", 3, NodePhase.FAILED, 3, t0 + 200, t0 + 900, 3, "stage 'work' task 3 failed after 3 attempts: disk full")));
        recorder.tasksEnded("another-workflow", List.of(new TaskRecord("work", 2, NodePhase.SUCCEEDED, 1, t0, t0, 0, null)));
        recorder.failed(new TaskFailedException("work", 3, 3, new RuntimeException("disk full")));

        RunState run = recorder.state();
        JsonNode json = JSON.readTree(RunStateJson.of(run));

        assertThat(json.get("phase").asText()).isEqualTo("Failed");
        assertThat(json.get("message").asText()).isEqualTo("stage 'work' task 3 failed after 3 attempts: RuntimeException: disk full");
        assertThat(json.get("progress").asText()).isEqualTo("4/6");
        JsonNode work = json.get("stages").get(1);
        assertThat(work.get("name").asText()).isEqualTo("work");
        assertThat(work.get("phase").asText()).isEqualTo("Failed");
        assertThat(work.get("after").toString()).isEqualTo("[\"split\"]");
        assertThat(work.get("logs").asText()).isEqualTo("/logs/fan/work");
        assertThat(work.get("counts").toString()).isEqualTo("{\"Succeeded\":1,\"Skipped\":1,\"Failed\":1,\"Omitted\":1}");
        JsonNode tasks = work.get("t");
        assertThat(tasks.get("i").toString()).isEqualTo("[0,1,3]");
        assertThat(tasks.get("p").asText()).isEqualTo("KSF");
        assertThat(tasks.get("s").get(2).asLong()).isEqualTo(200 + t0 - run.startedAt());
        assertThat(tasks.get("d").toString()).isEqualTo("[0,100,700]");
        assertThat(tasks.get("a").toString()).isEqualTo("[1,2,3]");
        assertThat(tasks.get("x").toString()).isEqualTo("[null,0,3]");
        assertThat(tasks.get("m").get("3").asText()).endsWith("disk full");
        assertThat(json.get("stages").get(2).get("phase").asText()).isEqualTo("Omitted");
        assertThat(json.get("stages").get(2).get("counts").toString()).isEqualTo("{\"Omitted\":1}");
    }

    @Test
    void layoutPutsEachStageBelowTheOneItRunsAfterWithAnEdgeBetween() throws Exception {
        RunRecorder recorder = RunRecorder.of(fanOutFanIn(64), null, ProgressListener.none());
        recorder.succeeded();

        JsonNode layout = JSON.readTree(RunStateJson.of(recorder.state())).get("layout");

        JsonNode nodes = layout.get("nodes");
        assertThat(nodes).hasSize(3);
        for (int i = 1; i < 3; i++) {
            assertThat(nodes.get(i).get(1).asDouble()).as("stage %d below stage %d", i, i - 1)
                    .isGreaterThanOrEqualTo(nodes.get(i - 1).get(1).asDouble() + nodes.get(i - 1).get(3).asDouble());
        }
        assertThat(nodes.get(1).get(3).asInt()).as("64 tasks: 4 rows of squares").isEqualTo(GraphLayout.HEADER + 4 * GraphLayout.CELL + 6);
        assertThat(layout.get("edges")).hasSize(2);
        JsonNode edge = layout.get("edges").get(0);
        assertThat(edge.get("from").asInt()).isZero();
        assertThat(edge.get("to").asInt()).isEqualTo(1);
        assertThat(layout.get("width").asDouble()).isGreaterThanOrEqualTo(GraphLayout.NODE_WIDTH);
    }

    @Test
    void aStageOfThousandsOfTasksIsOneNodeAndTheirRecordsStaySmall() throws Exception {
        RunRecorder recorder = RunRecorder.of(fanOutFanIn(10_000), Path.of("/logs"), ProgressListener.none());
        long t0 = System.currentTimeMillis();
        List<TaskRecord> records = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            records.add(new TaskRecord("work", i, NodePhase.SUCCEEDED, 1, t0 + i * 3L, t0 + i * 3L + 1500, 0, null));
        }
        recorder.tasksEnded("fan", records);
        recorder.succeeded();

        String page = RunPage.html(recorder.state());

        JsonNode layout = JSON.readTree(RunStateJson.of(recorder.state())).get("layout");
        assertThat(layout.get("nodes").get(1).get(3).asInt()).isEqualTo(GraphLayout.HEADER + 4);
        assertThat(page.length()).as("page of a 10,000-task run").isLessThan(400_000);
    }

    @Test
    void pageHoldsItsStylesScriptAndStateAndFetchesNothing() {
        RunRecorder recorder = RunRecorder.of(fanOutFanIn(2), null, ProgressListener.none());
        recorder.tasksEnded("fan", List.of(new TaskRecord("split", 0, NodePhase.FAILED, 1, 0, 1, 1, "ends </script> early?")));
        recorder.failed(new TaskFailedException("split", 0, 1, new RuntimeException("</script><script>alert(1)</script>")));

        String page = RunPage.html(recorder.state());

        assertThat(page).contains("FloeRunPage", "--succeeded: #18be94", "\"workflow\":\"fan\"")
                .doesNotContain("/*FLOE-", "src=", "href=\"http", "@import", "<link")
                .doesNotContain("</script><script>alert").contains("<\\/script><script>alert(1)<\\/script>");
    }
}

package floe.run;

import floe.model.Dependency;
import floe.model.Workflow;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestProgressTest {
    @Test
    void stagesAreFoundInChainedVertexNamesAndCountTasksOfFinishedSubtasks() throws Exception {
        Workflow wf = Workflow.named("wf")
                .stage("a", s -> s.withSequence(10).parallelism(5).run(ctx -> { }))
                .stage("b", s -> s.withSequence(5).pointwise("a", 2).run(ctx -> { }))
                .stage("c", s -> s.after("b").run(ctx -> { }))
                .build();
        var plan = FloeOptions.compiler(new Configuration()).plan(wf);
        var job = new ObjectMapper().readTree("""
                {"state": "RUNNING", "vertices": [
                  {"name": "Source: a/tasks -> a", "parallelism": 5, "status": "RUNNING", "tasks": {"FINISHED": 2, "RUNNING": 3}},
                  {"name": "b", "parallelism": 5, "status": "RUNNING", "tasks": {"FINISHED": 5}},
                  {"name": "c -> c/done: Writer", "parallelism": 1, "status": "CREATED", "tasks": {"CREATED": 1}}]}
                """);

        List<StageProgress> stages = RestProgress.of(plan, job);

        assertThat(stages).containsExactly(
                new StageProgress("a", 4, 10, 3, false),
                new StageProgress("b", 5, 5, 0, false),
                new StageProgress("c", 0, 1, 0, false));
    }
}

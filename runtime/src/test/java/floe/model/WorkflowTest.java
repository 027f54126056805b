package floe.model;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowTest {
    private static final TaskFunction NOTHING = ctx -> {};

    @Test
    void referenceCaseReadsLikeTheArgoYaml() {
        int numbers = 64;
        Workflow wf = Workflow.named("process-data")
                .parameter("numbers", Integer.toString(numbers))
                .stage("process-data-l1", s -> s.withSequence(numbers).run(NOTHING))
                .stage("process-data-l2", s -> s.withSequence(numbers / 2).pointwise("process-data-l1", 2).run(NOTHING))
                .stage("merge-data", s -> s.after("process-data-l2").parameter("number", "32").run(NOTHING))
                .build();

        assertThat(wf.stages()).extracting(Stage::name, Stage::tasks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("process-data-l1", 64),
                        org.assertj.core.groups.Tuple.tuple("process-data-l2", 32),
                        org.assertj.core.groups.Tuple.tuple("merge-data", 1));
        assertThat(wf.stage("merge-data").dependencies()).containsExactly(Dependency.all("process-data-l2"));
        assertThat(wf.parameters()).containsEntry("numbers", "64");
    }

    @Test
    void unknownUpstreamIsNamedWithTheKnownStages() {
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("a", s -> s.run(NOTHING))
                .stage("b", s -> s.after("aa").run(NOTHING))
                .build())
                .isInstanceOf(SpecException.class)
                .hasMessage("workflow 'wf': stages[1] 'b': depends on 'aa', no such earlier stage (known: a)");
    }

    @Test
    void upstreamDeclaredLaterSaysSo() {
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("b", s -> s.after("a").run(NOTHING))
                .stage("a", s -> s.run(NOTHING))
                .build())
                .hasMessageContaining("stages[0] 'b': depends on 'a'")
                .hasMessageContaining("declare stages after the stages they depend on");
    }

    @Test
    void pointwiseFanInMustCoverTheUpstreamExactly() {
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("a", s -> s.withSequence(64).run(NOTHING))
                .stage("b", s -> s.withSequence(30).pointwise("a", 2).run(NOTHING))
                .build())
                .isInstanceOf(SpecException.class)
                .hasMessage("workflow 'wf': stages[1] 'b': pointwise(a, 2) over 64 upstream tasks needs 32 tasks,"
                        + " the stage has 30 (every upstream task must feed exactly one task: use withSequence(32) or fan-in 3)");
    }

    @Test
    void aStageSizedAtRunTimeCannotBePointwise() {
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("a", s -> s.withSequence(4).run(NOTHING))
                .stage("b", s -> s.pointwise("a", 2).withTasksFrom(10, inputs -> 2).run(NOTHING)))
                .hasMessage("stage 'b': its number of tasks comes from upstream outputs, so it must run after whole stages (after(...)), not pointwise");
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("a", s -> s.run(NOTHING))
                .stage("b", s -> s.after("a").withTasksFrom(10, inputs -> 2).run(NOTHING))
                .stage("c", s -> s.withSequence(5).pointwise("b", 2).run(NOTHING))
                .build())
                .hasMessage("workflow 'wf': stages[2] 'c': pointwise on 'b', whose number of tasks is only known at run time: depend on all of it (after)");
    }

    @Test
    void duplicateStageNames() {
        assertThatThrownBy(() -> Workflow.named("wf")
                .stage("a", s -> s.run(NOTHING))
                .stage("a", s -> s.run(NOTHING))
                .build())
                .hasMessage("workflow 'wf': stages[1] 'a': stage name used twice");
    }

    @Test
    void badValuesNameTheirField() {
        assertThatThrownBy(() -> Workflow.named("wf").stage("a", s -> s.withSequence(0).run(NOTHING)))
                .hasMessage("stage 'a': tasks must be at least 1, got 0");
        assertThatThrownBy(() -> Workflow.named("wf").stage("a", s -> s))
                .hasMessage("stage 'a': nothing to run (call run(...) with the task's function)");
        assertThatThrownBy(() -> Workflow.named("my workflow").stage("a", s -> s.run(NOTHING)).build())
                .hasMessageStartingWith("workflow name 'my workflow' is not valid");
        assertThatThrownBy(() -> RetryPolicy.attempts(0)).hasMessage("retry attempts must be at least 1, got 0");
        assertThatThrownBy(() -> Workflow.named("wf").stage("a", s -> s.timeout(Duration.ofSeconds(-1)).run(NOTHING)))
                .hasMessage("stage 'a': timeout must not be negative, got PT-1S");
        assertThatThrownBy(() -> Workflow.named("wf").stage("a", s -> s.resources(-1, 10).run(NOTHING)))
                .hasMessage("resources.cpu must be zero or positive, got -1.0");
    }

    @Test
    void backoffGrowsByItsFactorUpToItsCap() {
        RetryPolicy p = RetryPolicy.attempts(5).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(3));
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ZERO);
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofSeconds(3));
    }
}

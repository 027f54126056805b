package floe.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code floe plan} shows the plan {@code floe run} would run: subtasks and tasks at once. */
class PlanCommandTest {
    private static final String FAN_OUT = "../conf/examples/fan-out/sleep.yaml";

    @Test
    void onTheEmbeddedFlinkThirtyWaitingTasksRunAtOnceOnTwoSlots() {
        FloeRun plan = FloeRun.of("plan", FAN_OUT, "-D", "floe.embedded.slots=2");

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).isEqualTo("""
                workflow fan-out
                  wait                     tasks=30      parallelism=2    concurrency=30
                """);
    }

    @Test
    void onAClusterEachTaskHasASubtaskAndTheLimitsStillHold() {
        FloeRun cluster = FloeRun.of("plan", FAN_OUT, "--cluster");
        FloeRun limited = FloeRun.of("plan", FAN_OUT, "-D", "floe.embedded.slots=2", "-D", "floe.task.max-concurrent-commands=4");

        assertThat(cluster.out()).contains("wait                     tasks=30      parallelism=30   concurrency=30");
        assertThat(limited.out()).contains("wait                     tasks=30      parallelism=2    concurrency=8");
    }
}

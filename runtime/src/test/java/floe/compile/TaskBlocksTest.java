package floe.compile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskBlocksTest {
    @Test
    void everyTaskHasExactlyOneOwnerAndBlocksAreContiguous() {
        for (int tasks = 1; tasks <= 300; tasks++) {
            for (int p = 1; p <= Math.min(tasks, 70); p++) {
                TaskBlocks b = new TaskBlocks(tasks, p);
                assertThat(b.first(0)).isZero();
                assertThat(b.first(p)).isEqualTo(tasks);
                for (int s = 0; s < p; s++) {
                    assertThat(b.size(s)).isPositive();
                    for (int t = b.first(s); t < b.first(s + 1); t++) {
                        assertThat(b.owner(t)).as("owner of %d of %d on %d", t, tasks, p).isEqualTo(s);
                    }
                }
            }
        }
    }

    @Test
    void hundredThousandTasksOnSixtyFourSubtasks() {
        TaskBlocks b = new TaskBlocks(100_000, 64);
        assertThat(b.size(0)).isEqualTo(1562);
        assertThat(b.owner(99_999)).isEqualTo(63);
    }
}

package floe.jobs;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeMergeSpecTest {
    private static TreeMergeSpec spec(int fanIn, List<Integer> widths) {
        return new TreeMergeSpec("in", "work", "out", fanIn, widths, "snappy", 3, false);
    }

    @Test
    void defaultShapeIsTwoLevelsOfFanInThenOneMerge() {
        assertThat(spec(2, null).levelWidths(128)).containsExactly(64, 32, 1);
        assertThat(spec(4, null).levelWidths(128)).containsExactly(32, 8, 1);
        assertThat(spec(2, null).levelWidths(4)).containsExactly(2, 1);
        assertThat(spec(2, null).levelWidths(2)).containsExactly(1);
        assertThat(spec(2, null).levelWidths(1)).containsExactly(1);
        assertThat(spec(2, null).levelWidths(5)).containsExactly(3, 2, 1);
    }

    @Test
    void givenWidthsMustFormATreeEndingInOneTask() {
        assertThat(spec(2, List.of(64, 32, 1)).levelWidths(128)).containsExactly(64, 32, 1);
        assertThat(spec(2, List.of(16, 1)).levelWidths(128)).containsExactly(16, 1);
        assertThatThrownBy(() -> spec(2, List.of(64, 32)).levelWidths(128))
                .isInstanceOf(SpecException.class)
                .hasMessage("--widths 64,32: the last level must be 1 task (the result), got 32");
        assertThatThrownBy(() -> spec(2, List.of(200, 1)).levelWidths(128))
                .hasMessage("--widths 200,1: level 1 has 200 tasks for 128 files (must be 1..128)");
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> spec(1, null)).hasMessage("--fan-in must be at least 2, got 1");
        assertThatThrownBy(() -> new InputGenerator(128, 100, 50, 42, "snappy"))
                .hasMessage("--keys must be at least --records (100), got 50: keys are drawn without replacement");
        assertThatThrownBy(() -> new InputGenerator(128, 100, 5000, 42, "lz4"))
                .hasMessage("codec 'lz4' is not known (use one of null, deflate, snappy, zstandard)");
    }
}

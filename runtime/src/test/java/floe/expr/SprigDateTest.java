package floe.expr;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sprig.date} with Go's layouts, as Argo expressions call it. */
class SprigDateTest {
    private static final Map<String, String> VARS = Map.of("workflow.creationTimestamp", "2026-03-07T09:05:02Z");

    private static String eval(String expression) {
        return Templates.resolve("{{=" + expression + "}}", VARS, "args[0]");
    }

    @Test
    void goLayoutsFormatTheReferenceTimesParts() {
        assertThat(eval("sprig.date('2006', workflow.creationTimestamp)")).isEqualTo("2026");
        assertThat(eval("sprig.date('2006-01-02 15:04:05', workflow.creationTimestamp)")).isEqualTo("2026-03-07 09:05:02");
        assertThat(eval("sprig.date('Mon Jan _2 3:04PM', workflow.creationTimestamp)")).isEqualTo("Sat Mar  7 9:05AM");
        assertThat(eval("sprig.date('20060102', 0)")).isEqualTo("19700101");
    }
}

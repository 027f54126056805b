package floe.expr;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sprig.date} with Go's layouts, and expr's closures, as Argo expressions write them. */
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

    @Test
    void exprClosuresFilterMapAndTestLists() {
        assertThat(eval("toJson(filter([1, 3], {# > 1}))")).isEqualTo("[3]");
        assertThat(eval("toJson(map([1, 2, 3], {# * 2}))")).isEqualTo("[2,4,6]");
        assertThat(eval("toJson(filter(['a.log', 'main.log'], {# endsWith 'main.log'}))")).isEqualTo("[\"main.log\"]");
        assertThat(eval("all([2, 4], {# % 2 == 0}) && !any([2, 4], {# > 9})")).isEqualTo("true");
        assertThat(eval("len('abc') + count([1, 2, 3], {# >= 2})")).isEqualTo("5");
        assertThat(eval("'{# not a closure}'")).isEqualTo("{# not a closure}");
    }
}

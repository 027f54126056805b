package floe.expr;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {
    private static final Map<String, String> VARS = Map.of(
            "workflow.parameters.numbers", "64",
            "inputs.parameters.file_number", "7",
            "item", "3");

    @Test
    void variablesAndExpressionsAsInTheReferenceWorkflow() {
        assertThat(Templates.resolve("{{workflow.parameters.numbers}}", VARS, "w")).isEqualTo("64");
        assertThat(Templates.resolve("{{=asInt(workflow.parameters.numbers)/2}}", VARS, "w")).isEqualTo("32");
        assertThat(Templates.resolve("part-{{ item }}.csv", VARS, "w")).isEqualTo("part-3.csv");
        assertThat(Templates.resolve("{{=asInt(inputs.parameters.file_number) * 2 + 1}}", VARS, "w")).isEqualTo("15");
        assertThat(Templates.resolve("no template", VARS, "w")).isEqualTo("no template");
    }

    @Test
    void anHttpSuccessConditionSeesTheResponseAsArgoHandsIt() {
        java.util.Map<String, java.util.List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("server", java.util.List.of("cloudflare"));
        java.util.Map<String, Object> response = java.util.Map.of("response", java.util.Map.of("statusCode", 201,
                "body", "<title>google</title>", "headers", headers));
        assertThat(Templates.holds("response.statusCode == 201", response, "w")).isTrue();
        assertThat(Templates.holds("response.body contains \"google\"", response, "w")).isTrue();
        assertThat(Templates.holds("response.body contains 'bing' || response.statusCode >= 300", response, "w")).isFalse();
        assertThat(Templates.holds("response.headers[\"Server\"][0] == \"cloudflare\"", response, "w")).isTrue();
        assertThat(Templates.holds("'x contains y' == 'x contains y'", response, "w")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Templates.holds("response.statusCode", response, "w"))
                .hasMessage("w: 'response.statusCode' is 201, not true or false");
    }

    @Test
    void argoArithmeticDividesAsFloatingPoint() {
        assertThat(Templates.resolve("{{=65/2}}", VARS, "w")).isEqualTo("32.5");
        assertThat(Templates.resolve("{{=asFloat('1.5') * 2}}", VARS, "w")).isEqualTo("3");
        assertThat(Templates.resolve("{{=asInt(item) > 2 ? 'big' : 'small'}}", VARS, "w")).isEqualTo("big");
        assertThat(Templates.resolve("{{=string(asInt(item) + 1)}}", VARS, "w")).isEqualTo("4");
    }

    @Test
    void jsonpathAndSprigFunctions() {
        Map<String, String> vars = Map.of("steps.list.outputs.result", "{\"files\": [\"a.csv\", \"b.csv\"]}", "name", "  Part-7 ");
        assertThat(Templates.resolve("{{=jsonpath(steps.list.outputs.result, '$.files[1]')}}", vars, "w")).isEqualTo("b.csv");
        assertThat(Templates.resolve("{{=sprig.upper(sprig.trim(name))}}", vars, "w")).isEqualTo("PART-7");
        assertThat(Templates.resolve("{{=sprig.replace('-', '_', sprig.trim(name))}}", vars, "w")).isEqualTo("Part_7");
        assertThat(Templates.resolve("{{=toJson(sprig.splitList(',', 'a,b'))}}", vars, "w")).isEqualTo("[\"a\",\"b\"]");
        assertThat(Templates.condition("{{=sprig.hasPrefix('Part', sprig.trim(name))}}", vars, "w")).isTrue();
    }

    @Test
    void closuresSeeTheExpressionsVariablesAndFunctions() {
        Map<String, String> vars = Map.of("inputs.parameters.offset", "10");
        assertThat(Templates.resolve("{{=map([1, 2], {# + asInt(inputs.parameters.offset)})}}", vars, "w")).isEqualTo("[11,12]");
        assertThat(Templates.resolve("{{=filter([1, 5, 9], {sprig.max(#, 4) == #})}}", vars, "w")).isEqualTo("[5,9]");
    }

    @Test
    void mapLiteralsWithBareKeysBecomeJsonWithSortedKeysAsGoWritesIt() {
        assertThat(Templates.resolve("{{=toJson({min: 1, avg: 2 / 4, 'quoted': 'a,b'})}}", VARS, "w"))
                .isEqualTo("{\"avg\":0.5,\"min\":1,\"quoted\":\"a,b\"}");
        assertThat(Templates.resolve("{{=map([[3, 4]], {toJson({sum: sprig.add(#[0], #[1]), top: sprig.max(#[0], #[1])})})[0]}}", VARS, "w"))
                .isEqualTo("{\"sum\":7,\"top\":4}");
    }

    @Test
    void matchesFindsThePatternAnywhereAsGoDoes() {
        Map<String, String> vars = Map.of("lastRetry.message", "the pod deleted by the node");
        assertThat(Templates.condition("{{=lastRetry.message matches 'imminent node shutdown|pod deleted'}}", vars, "w")).isTrue();
        assertThat(Templates.condition("{{=lastRetry.message matches '^pod'}}", vars, "w")).isFalse();
        assertThat(Templates.resolve("{{='a matches b' + ' endsWith '}}", vars, "w")).isEqualTo("a matches b endsWith ");
    }

    @Test
    void anExpressionMaySpanLines() {
        assertThat(Templates.resolve("{{=\n  sprig.b64dec('aGVsbG8=')\n}}", VARS, "w")).isEqualTo("hello");
        assertThat(Templates.resolve("{{=sprig.b64enc('hello')}} {{=sprig.sub(7, '2')}} {{=sprig.min(3, 1, 2)}}", VARS, "w"))
                .isEqualTo("aGVsbG8= 5 1");
    }

    @Test
    void conditionsCompareBareWordsAndNumbers() {
        assertThat(Templates.condition("heads == heads", Map.of(), "w")).isTrue();
        assertThat(Templates.condition("{{item}} > 2", VARS, "w")).isTrue();
        assertThat(Templates.condition("{{item}} > 5 || tails == heads", VARS, "w")).isFalse();
    }

    @Test
    void undefinedVariableNamesItAndWhatIsDefined() {
        assertThatThrownBy(() -> Templates.resolve("{{inputs.parameters.levle}}", VARS, "templates[1].container.args[2]"))
                .isInstanceOf(SpecException.class)
                .hasMessage("templates[1].container.args[2]: {{inputs.parameters.levle}} is not defined here"
                        + " (defined: inputs.parameters.file_number, item, workflow.parameters.numbers)");
    }

    @Test
    void badExpressionSaysWhere() {
        assertThatThrownBy(() -> Templates.resolve("{{=asInt(workflow.parameters.numbers)/}}", VARS, "steps[1][0].withSequence.count"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("steps[1][0].withSequence.count: cannot evaluate {{=asInt(workflow.parameters.numbers)/}}:");
        assertThatThrownBy(() -> Templates.resolve("{{=asInt(nope)}}", VARS, "w"))
                .hasMessageStartingWith("w: cannot evaluate {{=asInt(nope)}}:");
    }
}

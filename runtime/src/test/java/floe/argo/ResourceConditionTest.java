package floe.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argo's success and failure conditions (Kubernetes' label selector syntax over an object's fields), and kubectl JSONPath outputs. */
class ResourceConditionTest {
    private static final String WHERE = "spec.templates[0].resource.successCondition";

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static boolean holds(String condition, String object) throws Exception {
        return ResourceCondition.parse(condition, WHERE).matches(json(object));
    }

    @Test
    void comparesNumbersEqualityAndSetsOverDottedPaths() throws Exception {
        String job = "{\"status\": {\"succeeded\": 3, \"failed\": 0, \"phase\": \"Running\", \"ready\": true,"
                + " \"conditions\": [{\"type\": \"Complete\"}], \"replicaStatuses\": {\"Worker\": {\"succeeded\": 2}}}}";

        assertThat(holds("status.succeeded > 2", job)).isTrue();
        assertThat(holds("status.succeeded > 3", job)).isFalse();
        assertThat(holds("status.succeeded < 4", job)).isTrue();
        assertThat(holds("status.phase == Running", job)).isTrue();
        assertThat(holds("status.phase = Running", job)).isTrue();
        assertThat(holds("status.phase != Running", job)).isFalse();
        assertThat(holds("status.phase in (Failed, Error)", job)).isFalse();
        assertThat(holds("status.phase notin (Failed,Error)", job)).isTrue();
        assertThat(holds("status.ready == true", job)).isTrue();
        assertThat(holds("status.conditions.0.type == Complete", job)).isTrue();
        assertThat(holds("status.replicaStatuses.Worker.succeeded = 2", job)).isTrue();
        assertThat(holds("status.succeeded > 2, status.phase == Running", job)).isTrue();
        assertThat(holds("status.succeeded > 2, status.phase == Failed", job)).isFalse();
    }

    @Test
    void aMissingFieldMatchesOnlyNegations() throws Exception {
        String empty = "{\"status\": {}}";

        assertThat(holds("status.succeeded > 0", empty)).isFalse();
        assertThat(holds("status.succeeded < 1", empty)).isFalse();
        assertThat(holds("status.phase != Failed", empty)).isTrue();
        assertThat(holds("status.phase notin (Failed)", empty)).isTrue();
        assertThat(holds("!status.phase", empty)).isTrue();
        assertThat(holds("status", empty)).isTrue();
        assertThat(holds("status.phase", empty)).isFalse();
        assertThat(holds("status.phase > 0", "{\"status\": {\"phase\": \"Running\"}}")).isFalse();
    }

    @Test
    void aFailureConditionFailsOnAnyOfItsRequirementsAsArgosDoes() throws Exception {
        ResourceCondition failure = ResourceCondition.parse("status.failed > 0, status.phase == Error", WHERE);

        assertThat(failure.anyMatch(json("{\"status\": {\"failed\": 1, \"phase\": \"Running\"}}"))).hasToString("status.failed>0");
        assertThat(failure.anyMatch(json("{\"status\": {\"failed\": 0, \"phase\": \"Running\"}}"))).isNull();
    }

    @Test
    void aMalformedConditionIsRefusedAsKubernetesRefusesIt() {
        assertThatThrownBy(() -> ResourceCondition.parse("status.succeeded > many", WHERE))
                .hasMessageContaining("> and < take a whole number");
        assertThatThrownBy(() -> ResourceCondition.parse("status.phase in Failed", WHERE))
                .hasMessageContaining("found 'Failed', expected '('");
        assertThatThrownBy(() -> ResourceCondition.parse("status.phase ~ Failed", WHERE))
                .hasMessageContaining("found '~' after 'status.phase', expected one of =, ==, !=, >, <, in, notin");
        assertThatThrownBy(() -> ResourceCondition.parse("status.phase == Failed,", WHERE))
                .hasMessageContaining("after ',', expected a key");
        assertThatThrownBy(() -> ResourceCondition.parse("status.phase == Failed Error", WHERE))
                .hasMessageContaining("found 'Error', expected ',' or the end");
        assertThatThrownBy(() -> ResourceCondition.parse("status.message == has spaces!", WHERE))
                .hasMessageContaining(WHERE);
    }

    @Test
    void jsonPathOutputsReadTheObjectAsKubectlPrintsThem() throws Exception {
        JsonNode cm = json("{\"metadata\": {\"name\": \"settings-x1\", \"labels\": {\"app.kubernetes.io/name\": \"demo\"}},"
                + " \"data\": {\"a\": \"1\"}, \"spec\": {\"replicas\": 3, \"ports\": [{\"port\": 80}, {\"port\": 443}]}}");
        String where = "spec.templates[0].outputs.parameters[0].valueFrom.jsonPath";

        assertThat(KubectlJsonPath.read("{.metadata.name}", cm, where)).isEqualTo("settings-x1");
        assertThat(KubectlJsonPath.read("{.spec.replicas}", cm, where)).isEqualTo("3");
        assertThat(KubectlJsonPath.read("{.data}", cm, where)).isEqualTo("{\"a\":\"1\"}");
        assertThat(KubectlJsonPath.read("{.spec.ports[*].port}", cm, where)).isEqualTo("80 443");
        assertThat(KubectlJsonPath.read("name={.metadata.name}", cm, where)).isEqualTo("name=settings-x1");
        assertThat(KubectlJsonPath.read("{.metadata.labels['app.kubernetes.io/name']}", cm, where)).isEqualTo("demo");
        assertThat(KubectlJsonPath.read("phase={.status.phase}", cm, where)).isEqualTo("phase=");
        assertThat(KubectlJsonPath.read("{.}", json("{\"a\": 1}"), where)).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> KubectlJsonPath.check("{range .items[*]}{.name}{end}", where))
                .hasMessageContaining("range and end are not supported by Floe");
    }
}

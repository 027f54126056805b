package floe.run.rest;

import floe.FloeException;
import floe.SpecException;
import floe.testutils.TestingRestEndpoint;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlinkRestTest {
    private static final String OVERVIEW = "{\"taskmanagers\":2,\"slots-total\":4,\"slots-available\":3,\"jobs-running\":1,\"flink-version\":\"2.3.0\"}";

    @Test
    void sendsTheAuthorizationHeaderAndReadsTheOverview() {
        try (TestingRestEndpoint endpoint = TestingRestEndpoint.start("Bearer s3cret", Map.of("/overview", OVERVIEW))) {
            FlinkRest rest = FlinkRest.connect(endpoint.address(), new Configuration(), Optional.of("Bearer s3cret"));

            assertThat(rest.overview()).isEqualTo(new FlinkRest.Overview(2, 4, 3, 1, "2.3.0"));
            assertThat(endpoint.authorizations()).containsExactly("Bearer s3cret");
        }
    }

    @Test
    void aClusterAskingForCredentialsGetsAMessageThatDoesNotShowTheOnesSent() {
        try (TestingRestEndpoint endpoint = TestingRestEndpoint.start("Bearer s3cret", Map.of("/overview", OVERVIEW))) {
            FlinkRest rest = FlinkRest.connect(endpoint.address(), new Configuration(), Optional.of("Bearer wrong-one"));

            assertThatThrownBy(rest::overview).isInstanceOf(FloeException.class)
                    .hasMessage(rest.address() + ": HTTP 401: the cluster asks for credentials; set FLOE_REST_AUTHORIZATION"
                            + " to the Authorization header's value")
                    .message().doesNotContain("wrong-one");
        }
    }

    @Test
    void anErrorStatusCarriesTheClustersErrors() {
        try (TestingRestEndpoint endpoint = TestingRestEndpoint.start("a", Map.of())) {
            FlinkRest rest = FlinkRest.connect(endpoint.address(), new Configuration(), Optional.of("a"));

            assertThatThrownBy(() -> rest.get("/jobs/123")).isInstanceOfSatisfying(RestCallException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.errors()).containsExactly("status 404");
                assertThat(e).hasMessage("GET /jobs/123: HTTP 404: status 404");
            });
        }
    }

    @Test
    void nothingListeningIsUnreachableNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FlinkRest rest = FlinkRest.connect(URI.create("http://127.0.0.1:" + port), new Configuration(), Optional.empty());

        assertThatThrownBy(rest::overview).isInstanceOf(RestUnreachableException.class)
                .hasMessage("no Flink REST API answers at http://127.0.0.1:" + port
                        + " (ConnectException); is the cluster running (floe cluster status) and is the address right?");
        assertThat(FlinkRest.probe(URI.create("http://127.0.0.1:" + port), new Configuration())).isEmpty();
    }

    @Test
    void anAddressThatIsNotHttpIsBadInput() {
        assertThatThrownBy(() -> FlinkRest.connect(URI.create("ftp://host:8081"), new Configuration(), Optional.empty()))
                .isInstanceOf(SpecException.class)
                .hasMessage("--rest ftp://host:8081: not a REST address; expected http://HOST:PORT or https://HOST:PORT");
    }

    @Test
    void tlsSettingsMakeTheAddressHttpsAndAMissingTruststoreIsNamed() {
        Configuration conf = new Configuration();
        conf.setString("security.ssl.rest.enabled", "true");
        conf.setString("security.ssl.rest.truststore", "/no/such/truststore.jks");

        assertThatThrownBy(() -> FlinkRest.connect(URI.create("http://127.0.0.1:8081"), conf, Optional.empty()))
                .isInstanceOf(SpecException.class)
                .hasMessage("security.ssl.rest.truststore /no/such/truststore.jks: no such file");
    }
}

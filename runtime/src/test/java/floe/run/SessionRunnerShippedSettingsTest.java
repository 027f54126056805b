package floe.run;

import floe.model.Workflow;

import com.sun.net.httpserver.HttpServer;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a job compiled here takes to a session cluster: the serialized JobGraph as the cluster's
 * REST API receives it carries the job's execution settings, and none of the client's secrets nor
 * its other settings (a database URL, TLS material).
 */
class SessionRunnerShippedSettingsTest {
    private static final String JOB_STATE = "{\"jid\": \"%s\", \"state\": \"FINISHED\", \"duration\": 10, \"vertices\": []}";
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theJobGraphSentToTheClusterCarriesNoSecret() throws Exception {
        ByteArrayOutputStream posted = new ByteArrayOutputStream();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jobs", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String body;
            if (path.equals("/jobs") && exchange.getRequestMethod().equals("POST")) {
                synchronized (posted) {
                    posted.write(request);
                }
                body = "{\"jobUrl\": \"/jobs/posted\"}";
            } else if (path.equals("/jobs")) {
                body = "{\"jobs\": []}";
            } else if (path.endsWith("/accumulators")) {
                body = "{\"user-task-accumulators\": []}";
            } else {
                body = String.format(JOB_STATE, path.substring("/jobs/".length()).split("/")[0]);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();

        Configuration conf = new Configuration();
        conf.setString("floe.batch.secret-access-key", "SECRET-batch-key-1");
        conf.setString("floe.http.tls-keystore-password", "SECRET-keystore-2");
        conf.setString("security.ssl.rest.truststore-password", "SECRET-truststore-3");
        conf.setString("fs.oss.accessKeySecret", "SECRET-oss-4");
        conf.setString("floe.batch.db", "jdbc:postgresql://db.internal/batch?password=SECRET-db-5");
        conf.setString("execution.batch-shuffle-mode", "ALL_EXCHANGES_BLOCKING");
        conf.setString("restart-strategy.type", "fixed-delay");
        SessionRunner runner = SessionRunner.connect(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), conf,
                Optional.empty(), List.of());

        RunResult result = runner.run(Workflow.named("shipped-settings").stage("a", s -> s.withSequence(1).run(ctx -> { })).build(),
                ProgressListener.none());

        assertThat(result.workflow()).isEqualTo("shipped-settings");
        String sent = posted.toString(StandardCharsets.ISO_8859_1);
        assertThat(sent).as("the graph went (its name, its execution settings)").contains("shipped-settings")
                .contains("ALL_EXCHANGES_BLOCKING").contains("fixed-delay");
        // Named, not the whole graph's bytes, when one is there.
        List<String> found = java.util.stream.Stream.of("SECRET-batch-key-1", "SECRET-keystore-2", "SECRET-truststore-3", "SECRET-oss-4",
                "SECRET-db-5", "floe.batch.", "db.internal").filter(sent::contains).toList();
        assertThat(found).as("client settings in the graph sent").isEmpty();
    }
}

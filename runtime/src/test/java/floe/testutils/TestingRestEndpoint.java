package floe.testutils;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP endpoint on a free loopback port that answers like a Flink REST API behind a proxy
 * asking for an {@code Authorization} header: fixed JSON per path, 401 without the header.
 */
public final class TestingRestEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    private TestingRestEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves {@code answers} (path to JSON) to requests carrying {@code Authorization: authorization}. */
    public static TestingRestEndpoint start(String authorization, Map<String, String> answers) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TestingRestEndpoint endpoint = new TestingRestEndpoint(server);
            server.createContext("/", exchange -> {
                String given = exchange.getRequestHeaders().getFirst("Authorization");
                endpoint.authorizations.add(given == null ? "" : given);
                String answer = answers.get(exchange.getRequestURI().getPath());
                int status = !authorization.equals(given) ? 401 : answer == null ? 404 : 200;
                byte[] body = (status == 200 ? answer : "{\"errors\":[\"status " + status + "\"]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The Authorization header of each request received, "" where there was none. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package floe.run.rest;

import floe.FloeException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmanager.HighAvailabilityMode;
import org.apache.flink.configuration.SecurityOptions;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of a Flink cluster's REST API (the one its web UI uses): JSON in and out, over TLS when
 * the cluster's {@code security.ssl.rest.*} settings ask for it, with an {@code Authorization}
 * header when a proxy in front of the cluster asks for one.
 *
 * <pre>{@code
 * FlinkRest flink = FlinkRest.connect(URI.create("http://127.0.0.1:8081"), new Configuration(), Optional.empty());
 * int taskManagers = flink.overview().taskManagers();
 * }</pre>
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlinkRest.class);
    private static final Duration LEADER_LOOKUP_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The JDK's client counts a TLS handshake in the connect: a busy JobManager took more than 5 s
     * for one on a loaded machine. A refused connection still fails at once.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);

    /** Where requests go: the address given, or the leader's that ZooKeeper named since. */
    private volatile URI base;
    private final HttpClient http;
    private final Optional<String> authorization;
    /** The cluster's high-availability settings when the client has them, to find the leading JobManager's REST API. */
    private final Optional<Configuration> highAvailability;

    private FlinkRest(URI base, HttpClient http, Optional<String> authorization, Optional<Configuration> highAvailability) {
        this.base = base;
        this.http = http;
        this.authorization = authorization;
        this.highAvailability = highAvailability;
    }

    /**
     * A client of the REST API at {@code base} ({@code http://host:8081} or {@code https://...});
     * TLS material comes from {@code conf}'s {@code security.ssl.rest.*} settings.
     */
    public static FlinkRest connect(URI base, Configuration conf, Optional<String> authorization) {
        String scheme = base.getScheme();
        if (base.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new floe.SpecException("--rest " + base + ": not a REST address; expected http://HOST:PORT or https://HOST:PORT");
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equals(scheme) || SecurityOptions.isRestSSLEnabled(conf)) {
            builder.sslContext(RestTls.context(conf));
        }
        String path = base.getPath() == null || base.getPath().equals("/") ? "" : base.getPath().replaceAll("/$", "");
        URI root = URI.create(("https".equals(scheme) || SecurityOptions.isRestSSLEnabled(conf) ? "https" : "http")
                + "://" + base.getHost() + ":" + (base.getPort() < 0 ? 8081 : base.getPort()) + path);
        Optional<Configuration> ha = HighAvailabilityMode.isHighAvailabilityModeActivated(conf)
                ? Optional.of(new Configuration(conf)) : Optional.empty();
        return new FlinkRest(root, builder.build(), authorization, ha);
    }

    /** The cluster overview, or empty while nothing answers at {@code base} (for waiting on a start). */
    public static Optional<Overview> probe(URI base, Configuration conf) {
        try {
            return Optional.of(connect(base, conf, Optional.empty()).overview());
        } catch (FloeException e) {
            // not answering yet, or not yet as a Flink REST API
            return Optional.empty();
        }
    }

    public URI address() {
        return base;
    }

    /** TaskManagers, slots and the Flink version the cluster reports. */
    public record Overview(int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String flinkVersion) {}

    public Overview overview() {
        JsonNode o = get("/overview");
        return new Overview(o.path("taskmanagers").asInt(), o.path("slots-total").asInt(), o.path("slots-available").asInt(),
                o.path("jobs-running").asInt(), o.path("flink-version").asText());
    }

    public JsonNode get(String path) {
        return send(() -> request(path).GET().timeout(CALL_TIMEOUT).build());
    }

    public JsonNode post(String path, JsonNode body) {
        return send(() -> request(path).header("Content-Type", "application/json").timeout(CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    public JsonNode patch(String path) {
        return send(() -> request(path).timeout(CALL_TIMEOUT).method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Uploads a jar under {@code name} ({@code POST /jars/upload}) and returns the cluster's answer. */
    public JsonNode uploadJar(Path jar, String name) {
        return postFiles("/jars/upload", null, List.of(FilePart.of("jarfile", name, "application/x-java-archive", jar)));
    }

    /** One file of a multipart request: the form field, the file name the server sees, its content. */
    public record FilePart(String field, String fileName, String contentType, HttpRequest.BodyPublisher content) {
        /** A file on this machine, streamed from disk when the request goes (again, if it is sent again). */
        public static FilePart of(String field, String fileName, String contentType, Path file) {
            try {
                return new FilePart(field, fileName, contentType, HttpRequest.BodyPublishers.ofFile(file));
            } catch (java.io.FileNotFoundException e) {
                throw new floe.SpecException(file + ": cannot read it to send it: " + e.getMessage());
            }
        }

        /** Bytes made here (a serialized job graph). */
        public static FilePart of(String field, String fileName, String contentType, byte[] bytes) {
            return new FilePart(field, fileName, contentType, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
    }

    /**
     * A multipart {@code POST} of {@code files}, with {@code request} (JSON) in the form field
     * {@code request} when given, as Flink's upload handlers take it ({@code /jars/upload},
     * {@code /jobs}).
     */
    public JsonNode postFiles(String path, JsonNode request, List<FilePart> files) {
        String boundary = "floe-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        if (request != null) {
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n"
                    + "Content-Type: application/json\r\n\r\n" + request + "\r\n"));
        }
        for (FilePart f : files) {
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.field() + "\"; filename=\""
                    + f.fileName() + "\"\r\nContent-Type: " + f.contentType() + "\r\n\r\n"));
            parts.add(f.content());
            parts.add(text("\r\n"));
        }
        parts.add(text("--" + boundary + "--\r\n"));
        return send(() -> request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(UPLOAD_TIMEOUT).POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build());
    }

    private static HttpRequest.BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
        authorization.ifPresent(a -> b.header("Authorization", a));
        return b;
    }

    /**
     * Sends the request; when nothing answers at the address and the client has the cluster's
     * high-availability settings, asks ZooKeeper for the leading JobManager's REST address, as
     * Flink's own clients do, and sends it there once if that is another address. (Nothing was
     * delivered when a connection was refused: sending again cannot run anything twice.)
     */
    private JsonNode send(java.util.function.Supplier<HttpRequest> request) {
        HttpRequest first = request.get();
        try {
            return send(first);
        } catch (RestUnreachableException e) {
            if (highAvailability.isEmpty() || !(e.getCause() instanceof ConnectException
                    || e.getCause() instanceof HttpConnectTimeoutException)) {
                throw e;
            }
            return sendToLeader(request, e);
        } catch (FloeException e) {
            // A standby's REST API passes requests on to the leader; while the leader is dead they
            // hang until they time out. A GET asks nothing to be done: ask the leader instead.
            if (highAvailability.isEmpty() || !(e.getCause() instanceof HttpTimeoutException) || !"GET".equals(first.method())) {
                throw e;
            }
            return sendToLeader(request, new RestUnreachableException(base, e.getCause()));
        }
    }

    /** Sends again to the leader ZooKeeper names, if that is another address; else fails with {@code unreachable}. */
    private JsonNode sendToLeader(java.util.function.Supplier<HttpRequest> request, RestUnreachableException unreachable) {
        URI was = base;
        Optional<URI> leader = RestLeader.lookup(highAvailability.get(), LEADER_LOOKUP_TIMEOUT);
        if (leader.isEmpty() || leader.get().equals(was)) {
            throw unreachable;
        }
        LOG.info("{} does not answer; the leading JobManager's REST API is at {}", was, leader.get());
        base = leader.get();
        return send(request.get());
    }

    private JsonNode send(HttpRequest request) {
        URI base = this.base;
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new RestUnreachableException(base, e);
        } catch (HttpTimeoutException e) {
            throw new FloeException(base + request.uri().getPath() + ": no answer within " + request.timeout()
                    .map(Duration::toSeconds).orElse(0L) + " s", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new FloeException(base + ": TLS handshake failed: " + e.getMessage()
                    + " (check security.ssl.rest.truststore and the address's scheme)", e);
        } catch (IOException e) {
            throw new RestUnreachableException(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while calling " + base, e);
        }
        String body = response.body();
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new FloeException(base + request.uri().getPath() + ": HTTP " + response.statusCode()
                    + ", not a Flink REST API (the answer is not JSON)");
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new FloeException(base + ": HTTP " + status + ": the cluster asks for credentials; set FLOE_REST_AUTHORIZATION"
                    + " to the Authorization header's value");
        }
        if (status >= 300) {
            throw new RestCallException(status, request.method() + " " + request.uri().getPath(), errors(json));
        }
        return json;
    }

    private static List<String> errors(JsonNode json) {
        List<String> errors = new ArrayList<>();
        json.path("errors").forEach(e -> errors.add(e.asText()));
        return errors;
    }

    /** A JSON object for a request body. */
    public static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }
}

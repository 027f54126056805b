package floe.service;

import com.fasterxml.jackson.databind.JsonNode;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Batch API over HTTP, as an Undertow handler: {@code POST /v1/OPERATION} with a JSON body,
 * signed with AWS Signature V4 by the configured credentials; answers JSON, errors as AWS does
 * ({@code x-amzn-ErrorType} header and {@code {"__type": ..., "message": ...}}).
 *
 * <p>In order: the Authorization header is checked from the headers alone (key id, service,
 * date); the body is read on the IO thread within {@link HttpListener}'s size limit and deadline;
 * then, on a worker thread, the signature over the body, a replayed signature refused
 * ({@link ReplayGuard}), and the operation. An unexpected failure is logged with the request's id
 * and answered with that id alone.
 *
 * <pre>{@code
 * HttpHandler batch = HttpFront.of(api, "AKID", secret, settings);
 * HttpListener.start("127.0.0.1", 8000, settings, batch);   // or mount it beside other handlers
 * }</pre>
 */
public final class HttpFront implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
    private static final HttpString ERROR_TYPE = new HttpString("x-amzn-ErrorType");
    private static final HttpString REQUEST_ID = new HttpString("x-amzn-RequestId");

    private final BatchApi api;
    private final String accessKeyId;
    private final String secretKey;
    private final HttpListener.Settings settings;
    private final ReplayGuard replays;
    private final Supplier<Instant> clock;

    private HttpFront(BatchApi api, String accessKeyId, String secretKey, HttpListener.Settings settings, ReplayGuard replays,
            Supplier<Instant> clock) {
        this.api = api;
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
        this.settings = settings;
        this.replays = replays;
        this.clock = clock;
    }

    static HttpFront of(BatchApi api, String accessKeyId, String secretKey, HttpListener.Settings settings) {
        return new HttpFront(api, accessKeyId, secretKey, settings, new ReplayGuard(ReplayGuard.DEFAULT_CAPACITY), Instant::now);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().put(REQUEST_ID, requestId);
        Map<String, String> headers = new TreeMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), String.join(",", values));
        }
        SigV4.Authorization auth;
        try {
            auth = SigV4.authorization(headers, accessKeyId, clock.get());
        } catch (ApiException e) {
            // Refused before the body is read: close rather than drain what the client still sends.
            exchange.setPersistent(false);
            error(exchange, e);
            return;
        }
        HttpListener.receive(exchange, settings, (ex, body) -> answer(ex, requestId, headers, auth, body),
                ex -> error(ex, ApiException.of(413, "RequestEntityTooLargeException", "The request body is larger than the limit of "
                        + settings.maxBodySize() + " bytes")));
    }

    private void answer(HttpServerExchange exchange, String requestId, Map<String, String> headers, SigV4.Authorization auth, byte[] body) {
        try {
            auth.verify(new SigV4.Request(exchange.getRequestMethod().toString(), exchange.getRequestPath(), exchange.getQueryString(),
                    headers, body), secretKey);
            replays.check(auth, clock.get());
            String path = exchange.getRequestPath();
            if (!exchange.getRequestMethod().toString().equals("POST") || !path.startsWith("/v1/")) {
                throw ApiException.notFound("No operation at " + exchange.getRequestMethod() + " " + path + " (POST /v1/OPERATION)");
            }
            JsonNode request;
            try {
                request = body.length == 0 ? BatchApi.JSON.createObjectNode() : BatchApi.JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiException.client("The request body is not valid JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw ApiException.client("The request body cannot be read as JSON");
            }
            if (request == null || !request.isObject()) {
                throw ApiException.client("The request body must be a JSON object");
            }
            JsonNode response = api.call(path.substring(4).toLowerCase(Locale.ROOT), request);
            send(exchange, 200, response.toString());
        } catch (ApiException e) {
            if (e.status() >= 500) {
                LOG.error("request {} failed: {}", requestId, e.getMessage());
                error(exchange, ApiException.of(e.status(), e.type(), "Internal error (request " + requestId + ")"));
            } else {
                error(exchange, e);
            }
        } catch (RuntimeException e) {
            LOG.error("request {} failed", requestId, e);
            error(exchange, ApiException.server("Internal error (request " + requestId + ")"));
        }
    }

    private static void error(HttpServerExchange exchange, ApiException e) {
        exchange.getResponseHeaders().put(ERROR_TYPE, e.type());
        var body = BatchApi.JSON.createObjectNode();
        body.put("__type", e.type());
        body.put("message", e.getMessage());
        send(exchange, e.status(), body.toString());
    }

    private static void send(HttpServerExchange exchange, int status, String json) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(json, StandardCharsets.UTF_8);
    }
}

package floe.service;

import com.fasterxml.jackson.databind.JsonNode;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP side: {@code POST /v1/OPERATION} with a JSON body, signed with AWS Signature V4 by the
 * configured credentials; answers JSON, errors as AWS does ({@code x-amzn-ErrorType} header and
 * {@code {"__type": ..., "message": ...}}).
 */
final class HttpFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
    private static final HttpString ERROR_TYPE = new HttpString("x-amzn-ErrorType");
    private static final HttpString REQUEST_ID = new HttpString("x-amzn-RequestId");

    private final Undertow server;
    private final int port;

    private HttpFront(Undertow server, int port) {
        this.server = server;
        this.port = port;
    }

    static HttpFront start(String host, int port, BatchApi api, String accessKeyId, String secretKey) {
        return start(host, port, api, accessKeyId, secretKey, Map.of());
    }

    /** As above, with other APIs served beside the Batch API under their path prefixes (e.g. {@code /api/v1} for Argo's). */
    static HttpFront start(String host, int port, BatchApi api, String accessKeyId, String secretKey,
            Map<String, io.undertow.server.HttpHandler> mounts) {
        io.undertow.server.HttpHandler handler = new BlockingHandler(exchange -> handle(exchange, api, accessKeyId, secretKey));
        if (!mounts.isEmpty()) {
            io.undertow.server.handlers.PathHandler paths = new io.undertow.server.handlers.PathHandler(handler);
            // "/" alone is an exact path (a page at the root); any other key a prefix.
            mounts.forEach((path, h) -> {
                if (path.equals("/")) {
                    paths.addExactPath(path, h);
                } else {
                    paths.addPrefixPath(path, h);
                }
            });
            handler = paths;
        }
        Undertow server = Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(2)
                .setWorkerThreads(16)
                .setHandler(handler)
                .build();
        server.start();
        int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return new HttpFront(server, bound);
    }

    int port() {
        return port;
    }

    private static void handle(HttpServerExchange exchange, BatchApi api, String accessKeyId, String secretKey) throws IOException {
        String requestId = java.util.UUID.randomUUID().toString();
        exchange.getResponseHeaders().put(REQUEST_ID, requestId);
        byte[] body = exchange.getInputStream().readAllBytes();
        try {
            Map<String, String> headers = new TreeMap<>();
            for (HeaderValues values : exchange.getRequestHeaders()) {
                headers.put(values.getHeaderName().toString().toLowerCase(java.util.Locale.ROOT), String.join(",", values));
            }
            SigV4.verify(new SigV4.Request(exchange.getRequestMethod().toString(), exchange.getRequestPath(),
                    exchange.getQueryString(), headers, body), accessKeyId, secretKey, Instant.now());
            String path = exchange.getRequestPath();
            if (!exchange.getRequestMethod().toString().equals("POST") || !path.startsWith("/v1/")) {
                throw ApiException.notFound("No operation at " + exchange.getRequestMethod() + " " + path + " (POST /v1/OPERATION)");
            }
            JsonNode request;
            try {
                request = body.length == 0 ? BatchApi.JSON.createObjectNode() : BatchApi.JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiException.client("The request body is not valid JSON: " + e.getOriginalMessage());
            }
            if (request == null || !request.isObject()) {
                throw ApiException.client("The request body must be a JSON object");
            }
            JsonNode response = api.call(path.substring(4).toLowerCase(java.util.Locale.ROOT), request);
            send(exchange, 200, response.toString());
        } catch (ApiException e) {
            error(exchange, e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed", requestId, e);
            error(exchange, ApiException.server("Internal error (request " + requestId + "): " + e.getMessage()));
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

    @Override
    public void close() {
        server.stop();
    }
}

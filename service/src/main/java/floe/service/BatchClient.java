package floe.service;

import floe.FloeException;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A small signed client of the Batch API, for {@code floe batch submit|describe|list|...}: the
 * same requests the AWS SDK sends, signed the same way.
 *
 * <pre>{@code
 * BatchClient batch = BatchClient.of(URI.create("http://127.0.0.1:8000"), "AKID", "secret");
 * JsonNode submitted = batch.call("submitjob", job);   // submitted.get("jobId")
 * }</pre>
 */
public final class BatchClient {
    private static final String INVOCATION_ID = "amz-sdk-invocation-id";

    private final URI endpoint;
    private final String accessKeyId;
    private final String secretKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private BatchClient(URI endpoint, String accessKeyId, String secretKey) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
    }

    public static BatchClient of(URI endpoint, String accessKeyId, String secretKey) {
        return new BatchClient(endpoint, accessKeyId, secretKey);
    }

    /** Calls {@code POST /v1/OPERATION}; an error answer is thrown as an {@link ApiException}. */
    public JsonNode call(String operation, JsonNode request) {
        byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
        String path = "/v1/" + operation;
        // Signed, as the AWS SDKs sign theirs: two identical calls in one second are two signatures, not a replay.
        String invocation = java.util.UUID.randomUUID().toString();
        String host = endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
        Map<String, String> signed = SigV4.sign(new SigV4.Request("POST", path, "",
                Map.of("host", host, "content-type", "application/json", INVOCATION_ID, invocation), body), accessKeyId, secretKey, "floe",
                Instant.now());
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(Duration.ofMinutes(1))
                .header("content-type", "application/json")
                .header(INVOCATION_ID, invocation)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(req::header);
        HttpResponse<String> response;
        try {
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FloeException("cannot reach the Batch service at " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while calling " + endpoint, e);
        }
        JsonNode answer;
        try {
            answer = BatchApi.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new FloeException(endpoint + " answered " + response.statusCode() + " with no JSON: " + response.body());
        }
        if (response.statusCode() != 200) {
            String type = answer.path("__type").asText(response.headers().firstValue("x-amzn-ErrorType").orElse("Error"));
            String message = answer.path("message").asText(answer.path("Message").asText(""));
            throw ApiException.of(response.statusCode(), type, message);
        }
        return answer;
    }
}

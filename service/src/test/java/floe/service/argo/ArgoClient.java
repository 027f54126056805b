package floe.service.argo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the Argo API as the argo CLI does in HTTP/1 mode: JSON bodies, {@code Authorization}
 * as given, streams read as server-sent events ({@code Accept: text/event-stream}, lines
 * {@code data: {"result": ...}}) or, without that header, as newline-delimited JSON.
 */
final class ArgoClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SWAGGER;

    static {
        try (InputStream in = ArgoClient.class.getResourceAsStream("/argo/swagger-definitions.json")) {
            SWAGGER = JSON.readTree(in).get("definitions");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, JsonNode json, String text) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String authorization;

    ArgoClient(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    ArgoClient as(String authorization) {
        return new ArgoClient(base, authorization);
    }

    Response call(String method, String path, Object body) throws IOException, InterruptedException {
        String text = body == null ? "" : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, text.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException notJson) {
            // left null: the test looks at the text
        }
        return new Response(r.statusCode(), json, r.body());
    }

    JsonNode ok(String method, String path, Object body) throws IOException, InterruptedException {
        Response r = call(method, path, body);
        assertThat(r.status()).as(method + " " + path + ": " + r.text()).isEqualTo(200);
        return r.json();
    }

    /**
     * Reads a stream's results until {@code until} holds for one (true: stop) or the stream ends;
     * {@code sse}: ask for server-sent events as the argo CLI does.
     */
    List<JsonNode> stream(String path, boolean sse, Predicate<JsonNode> until) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2)).GET();
        if (sse) {
            b.header("Accept", "text/event-stream");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String line;
            while ((line = in.readLine()) != null) {
                if (sse) {
                    if (!line.startsWith("data: ")) {
                        continue;
                    }
                    line = line.substring(6);
                } else if (line.isBlank()) {
                    continue;
                }
                JsonNode result = JSON.readTree(line).get("result");
                assertThat(result).as("a stream line has a result: " + line).isNotNull();
                out.add(result);
                if (until.test(result)) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Checks {@code value} against the Argo swagger definition {@code type}: required fields there,
     * every field known and of its type, nested definitions checked in turn.
     */
    static void assertShape(JsonNode value, String type) {
        assertShape(value, SWAGGER.get(type), type);
    }

    private static void assertShape(JsonNode value, JsonNode def, String path) {
        if (def == null) {
            return; // a definition not copied into the test's subset: not checked deeper
        }
        if (def.has("$ref")) {
            String ref = def.get("$ref").asText().replace("#/definitions/", "");
            if (ref.equals("io.k8s.apimachinery.pkg.apis.meta.v1.Time")) {
                assertThat(value.isTextual() && value.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"))
                        .as(path + " is an RFC 3339 time: " + value).isTrue();
                return;
            }
            assertShape(value, SWAGGER.get(ref), path);
            return;
        }
        String type = def.path("type").asText("object");
        switch (type) {
            case "string" -> assertThat(value.isTextual()).as(path + " is a string: " + value).isTrue();
            case "integer" -> assertThat(value.isIntegralNumber() || value.isTextual() && value.asText().matches("-?\\d+"))
                    .as(path + " is an integer: " + value).isTrue();
            case "boolean" -> assertThat(value.isBoolean()).as(path + " is a boolean: " + value).isTrue();
            case "array" -> {
                assertThat(value.isArray()).as(path + " is an array: " + value).isTrue();
                for (int i = 0; i < value.size(); i++) {
                    assertShape(value.get(i), def.get("items"), path + "[" + i + "]");
                }
            }
            default -> {
                assertThat(value.isObject()).as(path + " is an object").isTrue();
                for (JsonNode required : def.path("required")) {
                    assertThat(value.has(required.asText())).as(path + " has its required " + required.asText()).isTrue();
                }
                JsonNode props = def.get("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (props != null) {
                        assertThat(props.has(f.getKey())).as(path + "." + f.getKey() + " is a field Argo defines").isTrue();
                        assertShape(f.getValue(), props.get(f.getKey()), path + "." + f.getKey());
                    } else if (def.has("additionalProperties")) {
                        assertShape(f.getValue(), def.get("additionalProperties"), path + "[" + f.getKey() + "]");
                    }
                }
            }
        }
    }
}

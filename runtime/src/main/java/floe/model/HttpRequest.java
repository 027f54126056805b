package floe.model;

import floe.SpecException;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request a task makes (Argo's {@code http} template): {@code method} to {@code url} with
 * {@code headers} and a body, within {@code timeout} (null: none of its own). The response's body
 * is the task's result; the task succeeds when {@code condition} holds over the response (null:
 * a 2xx status). A header's value may be a secret's key, read from its file when the request is
 * made: never in a plan, a job graph or a log.
 */
public record HttpRequest(String method, String url, List<Header> headers, byte[] body, Duration timeout, boolean insecureSkipVerify,
        String conditionText, ResponseCondition condition) implements Command.Action {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body.clone();
        if (condition != null && conditionText == null) {
            throw new SpecException("http request: a success condition needs its text (for messages)");
        }
    }

    /** A request header: its value as given, or (with {@code secretFile}) the content of a secret's key file. */
    public record Header(String name, String value, String secretFile, boolean optional) implements Serializable {
        public Header {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Whether a response means success (Argo's {@code successCondition} over {@code response.*}). */
    @FunctionalInterface
    public interface ResponseCondition extends Serializable {
        boolean holds(int statusCode, String body, Map<String, List<String>> headers);
    }

    @Override
    public List<String> describe() {
        List<String> words = new ArrayList<>(List.of("http", method, url));
        if (condition != null) {
            words.add("(success: " + conditionText + ")");
        }
        return words;
    }
}

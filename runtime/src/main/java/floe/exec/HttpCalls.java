package floe.exec;

import floe.SpecException;
import floe.model.HttpRequest;
import floe.model.TaskContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Makes the request of an {@link HttpRequest} task with the JDK's HTTP client, as Argo's agent
 * does: the response's body is the task's {@code result} (and its log, {@code task-N.attempt-M.out}),
 * and the task fails unless the status is 2xx or, when it has one, its success condition holds.
 * Secret header values are read from their files now and go nowhere but the request.
 */
final class HttpCalls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpCalls.class);
    private static final HttpClient VERIFYING = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    private static volatile HttpClient trusting;

    private HttpCalls() {}

    static void run(HttpRequest r, TaskContext ctx, Path logDir, String name) throws IOException, InterruptedException {
        String what = "stage '" + ctx.stage() + "' task " + ctx.index() + ": http " + r.method() + " " + r.url();
        java.net.http.HttpRequest.Builder request;
        try {
            URI uri = URI.create(r.url());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not an http or https URL");
            }
            request = java.net.http.HttpRequest.newBuilder(uri)
                    .method(r.method(), r.body().length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(r.body()));
        } catch (IllegalArgumentException e) {
            throw new SpecException(what + ": " + e.getMessage());
        }
        for (HttpRequest.Header h : r.headers()) {
            String value = h.value();
            if (h.secretFile() != null) {
                Path file = Path.of(h.secretFile());
                if (!Files.isRegularFile(file)) {
                    if (h.optional()) {
                        continue;
                    }
                    throw new SpecException(what + ": header '" + h.name() + "': the secret has no key '" + file.getFileName() + "'");
                }
                value = Files.readString(file, StandardCharsets.UTF_8);
            }
            try {
                request.header(h.name(), value == null ? "" : value);
            } catch (IllegalArgumentException e) {
                // never the value: it may be a secret
                throw new SpecException(what + ": header '" + h.name() + "' cannot be sent (a header the client sets itself, or a value with a line break)");
            }
        }
        HttpClient client = r.insecureSkipVerify() ? trusting() : VERIFYING;
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = r.timeout() == null ? sent.get() : sent.get(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new HttpFailedException(what + ": no response within " + seconds(r.timeout()) + " (timeoutSeconds)");
        } catch (InterruptedException e) {
            sent.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new HttpFailedException(what + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage()), cause);
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.body().length > 0) {
            Files.write(logDir.resolve(name + ".out"), response.body());
        }
        LOG.info("{}: {}", what, response.statusCode());
        ctx.result(body);
        if (r.condition() == null) {
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                throw new HttpFailedException(what + ": received non-2xx response code: " + response.statusCode());
            }
        } else if (!r.condition().holds(response.statusCode(), body, response.headers().map())) {
            throw new HttpFailedException(what + ": successCondition '" + r.conditionText() + "' evaluated false (status "
                    + response.statusCode() + ")");
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A client that checks neither certificates nor host names (Argo's {@code insecureSkipVerify}). */
    private static HttpClient trusting() {
        if (trusting == null) {
            synchronized (HttpCalls.class) {
                if (trusting == null) {
                    try {
                        SSLContext tls = SSLContext.getInstance("TLS");
                        tls.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
                        trusting = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).sslContext(tls).build();
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("TLS: " + e.getMessage(), e);
                    }
                }
            }
        }
        return trusting;
    }

    /** Trusts every server; as an extended trust manager, it also stands in for the host name check. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
    }
}

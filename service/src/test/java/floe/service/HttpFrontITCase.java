package floe.service;

import floe.service.testutils.TestingBatch;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP front under abuse, with real sockets and the AWS SDK: slow clients, huge bodies,
 * replayed, unsigned-payload and wrongly scoped requests are dealt with before any signature check
 * or operation, and a signed request is still answered at once.
 */
class HttpFrontITCase {
    private static final long MAX_BODY = 64 * 1024;

    @TempDir
    static Path dir;

    private static BatchService service;
    private static BatchClient batch;

    @BeforeAll
    static void start() {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        conf.set(HttpListenerOptions.REQUEST_PARSE_TIMEOUT, Duration.ofSeconds(2));
        conf.set(HttpListenerOptions.BODY_TIMEOUT, Duration.ofSeconds(3));
        conf.set(HttpListenerOptions.IDLE_TIMEOUT, Duration.ofSeconds(3));
        conf.set(HttpListenerOptions.MAX_BODY_SIZE, new MemorySize(MAX_BODY));
        service = BatchService.start(conf, Map.of(), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
        batch = TestingBatch.client(service.endpoint());
    }

    @AfterAll
    static void stop() {
        if (batch != null) {
            batch.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void sixtyFourSlowClientsDoNotStallASignedRequestAndAreCutOff() throws Exception {
        int port = service.port();
        batch.describeJobs(DescribeJobsRequest.builder().jobs("no-such-job").build()); // the client's own first-call costs
        List<Socket> slow = new ArrayList<>();
        List<OutputStream> trickling = new ArrayList<>();
        byte[] body = new byte[4096];
        Arrays.fill(body, (byte) ' ');
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket("127.0.0.1", port);
            slow.add(s);
            OutputStream out = s.getOutputStream();
            switch (i % 3) {
                case 0 -> { // headers, a byte at a time
                    out.write("POST /v1/describejobs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ".getBytes(StandardCharsets.US_ASCII));
                    trickling.add(out);
                }
                case 1 -> { // a signed request whose body comes a byte at a time
                    StringBuilder head = new StringBuilder("POST /v1/describejobs HTTP/1.1\r\n");
                    signedHeaders("describejobs", body, port).forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                    head.append("content-length: ").append(body.length).append("\r\n\r\n");
                    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                    trickling.add(out);
                }
                default -> { } // connected, sending nothing
            }
            out.flush();
        }
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        trickle.scheduleAtFixedRate(() -> {
            for (OutputStream out : trickling) {
                try {
                    out.write(' ');
                    out.flush();
                } catch (IOException closed) {
                    // the server hung up: what it should do
                }
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        try {
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
                long call = System.nanoTime();
                assertThat(batch.describeJobs(DescribeJobsRequest.builder().jobs("no-such-job").build()).jobs()).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - call)).as("a signed DescribeJobs among 64 slow clients")
                        .isLessThan(Duration.ofSeconds(1));
                Thread.sleep(100);
            }
            // Header parse (2 s), body (3 s) and idle (3 s) deadlines close every slow connection.
            for (Socket s : slow) {
                assertThat(closedByServer(s, Duration.ofSeconds(10))).as("a slow connection is closed by the server").isTrue();
            }
        } finally {
            trickle.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aBodyOverTheLimitGets413BeforeItIsRead() throws Exception {
        byte[] big = new byte[(int) MAX_BODY + 1];
        Arrays.fill(big, (byte) ' ');
        HttpResponse<String> fixed = send(signed("describejobs", big, Map.of()).build(), HttpResponse.BodyHandlers.ofString());
        assertError(fixed, 413, "RequestEntityTooLargeException", "The request body is larger than the limit of 65536 bytes");

        // With Expect: 100-continue, the answer comes before the body is sent (a raw socket: Java 17's
        // HttpClient waits forever for a 100 that does not come, JDK-8286171).
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            StringBuilder head = new StringBuilder("POST /v1/describejobs HTTP/1.1\r\nexpect: 100-continue\r\n");
            signedHeaders("describejobs", big, service.port()).forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("content-length: ").append(big.length).append("\r\n\r\n");
            s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413 ").contains("x-amzn-ErrorType: RequestEntityTooLargeException")
                    .endsWith("{\"__type\":\"RequestEntityTooLargeException\",\"message\":\"The request body is larger than the limit"
                            + " of 65536 bytes\"}");
        }

        // Chunked, so without a Content-Length: refused as it arrives.
        byte[] bigger = new byte[(int) MAX_BODY * 3];
        Arrays.fill(bigger, (byte) ' ');
        HttpRequest chunked = signed("describejobs", bigger, Map.of())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bigger))).build();
        assertError(send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "RequestEntityTooLargeException", "The request body is larger");
    }

    @Test
    void aReplayedRequestIsRefused() throws Exception {
        HttpRequest request = signed("describejobs", "{\"jobs\":[\"x\"]}".getBytes(StandardCharsets.UTF_8), Map.of()).build();
        HttpResponse<String> first = send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> again = send(request, HttpResponse.BodyHandlers.ofString());
        assertError(again, 403, "InvalidSignatureException", "Signature already used");
    }

    @Test
    void anUnsignedPayloadOrAnotherServicesScopeIsRefused() throws Exception {
        byte[] body = "{\"jobs\":[\"x\"]}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> unsigned = send(signed("describejobs", body, Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(unsigned, 403, "InvalidSignatureException", "x-amz-content-sha256 must be the SHA-256 of the body");
        assertThat(unsigned.body()).contains("UNSIGNED-PAYLOAD is not accepted");

        Map<String, String> headers = signedHeaders("describejobs", body, service.port());
        String s3 = headers.get("authorization").replace("/batch/aws4_request", "/s3/aws4_request");
        HttpResponse<String> scoped = send(signed("describejobs", body, Map.of("authorization", s3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(scoped, 403, "InvalidSignatureException", "Credential should be scoped to correct service: 'batch'.");

        String otherHash = "0".repeat(64);
        HttpResponse<String> wrongHash = send(signed("describejobs", body, Map.of("x-amz-content-sha256", otherHash)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(wrongHash, 403, "InvalidSignatureException", "The provided x-amz-content-sha256 header does not match");
    }

    /** On a new connection each time: the server closes idle ones (after 3 s here), and a POST is not retried on another. */
    private static HttpResponse<String> send(HttpRequest request, HttpResponse.BodyHandler<String> handler) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, handler);
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String messageStart) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains(type);
        JsonNode error = BatchApi.JSON.readTree(response.body());
        assertThat(error.path("__type").asText()).isEqualTo(type);
        assertThat(error.path("message").asText()).startsWith(messageStart);
    }

    /** The headers a client signs for POST /v1/OPERATION with this body (a fresh invocation id each time). */
    private static Map<String, String> signedHeaders(String operation, byte[] body, int port) {
        Map<String, String> headers = new TreeMap<>(Map.of("host", "127.0.0.1:" + port, "content-type", "application/json",
                "amz-sdk-invocation-id", UUID.randomUUID().toString()));
        headers.putAll(SigV4.sign(new SigV4.Request("POST", "/v1/" + operation, "", headers, body), TestingBatch.ACCESS_KEY,
                TestingBatch.SECRET_KEY, "us-east-1", Instant.now()));
        return headers;
    }

    /** A signed request, with {@code replaced} headers set after signing. */
    private static HttpRequest.Builder signed(String operation, byte[] body, Map<String, String> replaced) {
        Map<String, String> headers = signedHeaders(operation, body, service.port());
        headers.putAll(replaced);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.endpoint() + "/v1/" + operation))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (!k.equals("host")) {
                b.header(k, v);
            }
        });
        return b;
    }

    /** Whether the server closes the connection within {@code within} (whatever it answered first). */
    private static boolean closedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // an answer (408, 400) before the close is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

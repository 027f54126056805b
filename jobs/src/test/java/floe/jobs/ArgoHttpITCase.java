package floe.jobs;

import floe.testutils.TestingFlink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's http templates through {@code floe run}, against a real HTTP server on 127.0.0.1 started
 * here: the response's body as the step's result, a success condition over status, body and
 * headers, a header from a secret (never printed), a 5xx failing the step and its retries.
 */
class ArgoHttpITCase {
    private static final String EXAMPLE = "../conf/examples/http/http-call.yaml";
    private static final String TOKEN = "Bearer s3cr3t-7Qx";

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    Path dir;

    private HttpServer server;
    /** What each path answers: {@code ok}, {@code down} (500), {@code flaky} (500 twice, then ok), {@code plain} (200, not 201). */
    private final ConcurrentHashMap<String, String> mode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** Each request: METHOD PATH, then its headers of interest and body. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        Files.createDirectories(dir.resolve("secrets/api"));
        Files.writeString(dir.resolve("secrets/api/token"), TOKEN);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(x.getRequestMethod() + " " + path + " auth=" + x.getRequestHeaders().getFirst("Authorization") + " type="
                + x.getRequestHeaders().getFirst("Content-Type") + " body=" + body);
        String how = mode.getOrDefault(path, "ok");
        int status;
        String answer;
        if (how.equals("down") || (how.equals("flaky") && n <= 2)) {
            status = 500;
            answer = "boom";
        } else if (path.equals("/items")) {
            status = how.equals("plain") ? 200 : 201;
            answer = "{\"id\": 7, \"name\": \"floe\"}";
            x.getResponseHeaders().add("X-Request-Id", "r-" + n);
        } else {
            status = 200;
            answer = "healthy";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private FloeRun run(String file, String... more) {
        List<String> args = new ArrayList<>(List.of("run", file, "-p", "base=http://127.0.0.1:" + server.getAddress().getPort(),
                "--secret", "api=" + dir.resolve("secrets/api"), "-D", "floe.task.log-dir=" + dir.resolve("logs"), "-D", "floe.progress=false"));
        args.addAll(List.of(more));
        return FloeRun.of(args.toArray(String[]::new));
    }

    private int hits(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    @Test
    void theResponseBodyIsTheStepsResultAndTheTokenComesFromTheSecret() throws IOException {
        FloeRun run = run(EXAMPLE);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(dir.resolve("logs/http-call/show/task-00000.attempt-1.out")).strip())
                .isEqualTo("{\"id\": 7, \"name\": \"floe\"}");
        assertThat(seen).containsExactly("GET /health auth=null type=null body=",
                "POST /items auth=" + TOKEN + " type=application/json body={\"name\": \"floe\"}");
        assertThat(run.out() + run.err()).doesNotContain("s3cr3t");
        assertThat(Files.readString(dir.resolve("logs/http-call/create/task-00000.attempt-1.out"))).doesNotContain("s3cr3t");
    }

    @Test
    void aSuccessConditionThatIsFalseFailsTheStepAfterItsRetries() {
        mode.put("/items", "plain");

        FloeRun run = run(EXAMPLE);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("successCondition 'response.statusCode == 201 && response.body contains \"floe\""
                + " && response.headers[\"X-Request-Id\"][0] != \"\"' evaluated false (status 200)");
        assertThat(hits("/items")).isEqualTo(3);
        assertThat(run.err()).doesNotContain("s3cr3t");
    }

    @Test
    void a500FailsTheStepOnEveryAttempt() {
        mode.put("/health", "down");

        FloeRun run = run(EXAMPLE);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("http GET http://127.0.0.1:" + server.getAddress().getPort()
                + "/health: received non-2xx response code: 500");
        assertThat(hits("/health")).isEqualTo(3);
        assertThat(hits("/items")).as("nothing after the failed step").isZero();
    }

    @Test
    void a500IsRetriedUntilTheServiceAnswers() {
        mode.put("/health", "flaky");

        FloeRun run = run(EXAMPLE);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(hits("/health")).isEqualTo(3);
        assertThat(hits("/items")).isEqualTo(1);
    }

    @Test
    void lifecycleHooksCallAnHttpTemplateWhenTheirStepSucceeded() throws IOException {
        // Argo's life-cycle-hooks-tmpl-level example, its URL this test's server.
        Path file = dir.resolve("hooks.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  generateName: lifecycle-hook-tmpl-level-
                spec:
                  entrypoint: main
                  arguments:
                    parameters: [{name: base}]
                  templates:
                    - name: main
                      steps:
                        - - name: step-1
                            hooks:
                              running:
                                expression: steps["step-1"].status == "Running"
                                template: http
                              success:
                                expression: steps["step-1"].status == "Succeeded"
                                template: http
                            template: echo
                        - - name: step2
                            hooks:
                              running:
                                expression: steps.step2.status == "Running"
                                template: http
                              success:
                                expression: steps.step2.status == "Succeeded"
                                template: http
                            template: echo
                    - name: echo
                      container:
                        image: alpine:3.23
                        command: [sh, -c]
                        args: ["echo \\"it was heads\\""]
                    - name: http
                      http:
                        url: "{{workflow.parameters.base}}/hook"
                """);

        FloeRun run = run(file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(hits("/hook")).as("the two success hooks; a hook on Running never runs here").isEqualTo(2);
    }

    @Test
    void aFailedRequestThatContinueOnLetsFailLeavesTheRunSucceeding() throws IOException {
        // Argo's http-hello-world example, its two URLs this test's server (/swagger.json is there, /missing.json answers 404).
        server.createContext("/missing.json", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        Path file = dir.resolve("hello.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  generateName: http-template-
                spec:
                  entrypoint: main
                  arguments:
                    parameters: [{name: base}]
                  templates:
                    - name: main
                      steps:
                        - - name: good
                            template: http
                            arguments:
                              parameters: [{name: url, value: "{{workflow.parameters.base}}/swagger.json"}]
                          - name: bad
                            template: http
                            continueOn:
                              failed: true
                            arguments:
                              parameters: [{name: url, value: "{{workflow.parameters.base}}/missing.json"}]
                    - name: http
                      inputs:
                        parameters:
                          - name: url
                      http:
                        url: "{{inputs.parameters.url}}"
                """);

        FloeRun run = run(file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("bad\\s.*1 FAILED \\(continued\\)");
        assertThat(Files.readString(dir.resolve("logs/http-template/good/task-00000.attempt-1.out"))).isEqualTo("healthy");
    }

    @Test
    void aRequestWithoutAnAnswerWithinItsTimeoutFails() throws IOException {
        server.createContext("/slow", x -> {
            hits.computeIfAbsent("/slow", p -> new AtomicInteger()).incrementAndGet();
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        Path file = dir.resolve("slow.yaml");
        Files.writeString(file, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: slow
                spec:
                  entrypoint: call
                  arguments:
                    parameters: [{name: base}]
                  templates:
                    - name: call
                      http:
                        url: "{{workflow.parameters.base}}/slow"
                        timeoutSeconds: 1
                """);
        long start = System.nanoTime();

        FloeRun run = run(file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("/slow: no response within 1 s (timeoutSeconds)");
        assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }
}

package floe.run;

import floe.FloeException;
import floe.compile.Plan;
import floe.model.Workflow;
import floe.run.rest.FlinkRest;

import com.sun.net.httpserver.HttpServer;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A JobManager that goes away for a while (a failover, a restart): a job is submitted and followed
 * again once the REST API answers, and counts as lost only after the patience.
 */
class RestRunnerPatienceTest {
    private static final String JOB = "0123456789abcdef0123456789abcdef";

    private final Plan plan = FloeOptions.compiler(new Configuration())
            .plan(Workflow.named("wf").stage("a", s -> s.withSequence(2).run(ctx -> { })).build());
    private HttpServer server;
    private volatile int posts;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aJobManagerThatIsAwayForAWhileIsWaitedFor() throws Exception {
        AtomicReference<String> state = new AtomicReference<>("RUNNING");
        int port = serve(0, state);
        RestRunner runner = RestRunner.on(rest(port), Duration.ofSeconds(30));
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(600);
                server.stop(0); // nothing answers on the port now
                Thread.sleep(1500);
                state.set("FINISHED");
                serve(port, state);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restart.start();

        RunResult result = runner.follow(JOB, plan, ProgressListener.none(), Optional.empty());

        restart.join();
        assertThat(result.jobId()).isEqualTo(JOB);
        assertThat(result.workflow()).isEqualTo("wf");
    }

    @Test
    void aJobManagerThatDoesNotComeBackLosesTheJobAfterThePatience() throws Exception {
        int port = serve(0, new AtomicReference<>("RUNNING"));
        server.stop(0);
        RestRunner runner = RestRunner.on(rest(port), Duration.ofSeconds(1));

        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.follow(JOB, plan, ProgressListener.none(), Optional.empty()))
                .isInstanceOf(FloeException.class)
                .hasMessageStartingWith("lost job " + JOB + " of workflow 'wf': the cluster at http://127.0.0.1:" + port
                        + " did not answer for 1 s (no Flink REST API answers at");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(20));
    }

    @Test
    void aJobIsSubmittedOnceTheJobManagerAnswers() throws Exception {
        int port = serve(0, new AtomicReference<>("RUNNING"));
        server.stop(0);
        RestRunner runner = RestRunner.on(rest(port), Duration.ofSeconds(30));
        org.apache.flink.runtime.jobgraph.JobGraph graph = CompiledJob.of(plan.workflow(), new Configuration(),
                FloeOptions.compiler(new Configuration())).graph();
        Thread comesUp = new Thread(() -> {
            try {
                Thread.sleep(1500);
                serve(port, new AtomicReference<>("RUNNING"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        comesUp.start();

        String id = runner.submit(graph);

        comesUp.join();
        assertThat(id).isEqualTo(graph.getJobID().toHexString());
        assertThat(posts).as("the graph went once, after the JobManager came up").isEqualTo(1);
    }

    private static FlinkRest rest(int port) {
        return FlinkRest.connect(URI.create("http://127.0.0.1:" + port), new Configuration(), Optional.empty());
    }

    /** A REST API that takes posted jobs and knows one job, in {@code state}; on {@code port}, or a free one for 0. */
    private int serve(int port, AtomicReference<String> state) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/jobs", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String body;
            if (path.equals("/jobs") && exchange.getRequestMethod().equals("POST")) {
                posts++;
                body = "{\"jobUrl\": \"/jobs/posted\"}";
            } else if (path.equals("/jobs")) {
                body = "{\"jobs\": []}";
            } else if (!path.startsWith("/jobs/" + JOB)) {
                // A job this cluster never got: Flink's answer is a 404.
                byte[] missing = "{\"errors\": [\"Job could not be found.\"]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(404, missing.length);
                exchange.getResponseBody().write(missing);
                exchange.close();
                return;
            } else if (path.endsWith("/accumulators")) {
                body = "{\"user-task-accumulators\": []}";
            } else {
                body = "{\"jid\": \"" + JOB + "\", \"state\": \"" + state.get() + "\", \"duration\": 1200, \"vertices\": []}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/overview", exchange -> {
            byte[] bytes = "{\"flink-version\": \"2.3.0\", \"taskmanagers\": 1}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }
}

package floe.exec;

import floe.TaskFailedException;
import floe.model.Command;
import floe.model.Stage;
import floe.model.TaskCompletion;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Daemon commands: real processes left running once their probe says ready, ended by scope or run; the probes themselves. */
class DaemonCommandsTest {
    @TempDir
    Path logs;

    @TempDir
    Path work;

    private static Command.Probe exec(String... argv) {
        return new Command.Probe(List.of(argv), null, null, 0, null, Map.of(), false, 0, 100, 1000, 1);
    }

    private static Command.Probe http(int port, String path, int successes) {
        return new Command.Probe(null, "HTTP", null, port, path, Map.of("X-Probe", "yes"), false, 0, 100, 1000, successes);
    }

    private TaskCompletion run(String run, Stage stage) throws Exception {
        try (TaskExecutor executor = new TaskExecutor("wf", run, "10.1.2.3", Map.of(), stage, logs)) {
            return executor.run(0, List.of());
        }
    }

    /** The pid a daemon wrote to {@code file}, once it wrote it (a daemon without a probe is ready once started). */
    private static long pidIn(Path file) throws Exception {
        for (int i = 0; i < 500 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
            Thread.sleep(10);
        }
        return Long.parseLong(Files.readString(file).strip());
    }

    private static boolean alive(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && (!Files.exists(stat) || !Files.readString(stat).replaceFirst("^.*\\) ", "").startsWith("Z"));
    }

    @Test
    void aDaemonIsReadyWhenItsExecProbeSucceedsAndRunsOnUntilItsScopeEnds() throws Exception {
        Path ready = work.resolve("ready");
        Path pid = work.resolve("pid");
        Stage stage = Stage.named("server").command(ctx -> Command.of("sh", "-c", "echo $$ > " + pid + "; sleep 1; touch " + ready
                + "; exec sleep 600.4246").withDaemon(new Command.Daemon("main/0", exec("test", "-f", ready.toString())))).build();

        long start = System.nanoTime();
        TaskCompletion done = run("run-1", stage);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("held back until the probe succeeded").isGreaterThan(Duration.ofMillis(900));
        assertThat(done.outcome().ip()).hasValue("10.1.2.3");
        pidIn(pid); // its pid in its own PID namespace: the daemon is found by its arguments
        assertThat(CommandTaskTest.running("sleep 600.4246")).as("kept running once the task ended").isNotEmpty();
        assertThat(Daemons.end("run-2", "main/0")).as("another run's scope").isZero();
        assertThat(CommandTaskTest.running("sleep 600.4246")).isNotEmpty();

        assertThat(Daemons.end("run-1", "main/0")).isEqualTo(1);
        assertThat(CommandTaskTest.running("sleep 600.4246")).as("ended with its scope").isEmpty();
        assertThat(Daemons.running("run-1", "main/0")).isFalse();
    }

    @Test
    void anHttpProbeWaitsForSuccessesInARowAndSendsItsHeaders() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger asked = new AtomicInteger();
        server.createContext("/healthz", exchange -> {
            int n = asked.incrementAndGet();
            boolean ok = n >= 3 && "yes".equals(exchange.getRequestHeaders().getFirst("X-Probe"));
            exchange.sendResponseHeaders(ok ? 204 : 503, -1);
            exchange.close();
        });
        server.start();
        try {
            Stage stage = Stage.named("web").command(ctx -> Command.of("sleep", "600")
                    .withDaemon(new Command.Daemon("main/0", http(server.getAddress().getPort(), "/healthz", 2)))).build();

            TaskCompletion done = run("run-http", stage);

            assertThat(asked.get()).as("503, 503, then two 204s in a row").isEqualTo(4);
            assertThat(done.outcome().ip()).isPresent();
        } finally {
            server.stop(0);
            Daemons.endRun("run-http");
        }
    }

    @Test
    void aDaemonThatExitsBeforeItIsReadyFailsWithItsExitCodeAndAFailedRunEndsTheOthers() throws Exception {
        Path pid = work.resolve("pid");
        Stage keeper = Stage.named("keeper").command(ctx -> Command.of("sh", "-c", "echo $$ > " + pid + "; exec sleep 600.4247")
                .withDaemon(new Command.Daemon("main/0", null))).build();
        run("run-f", keeper);
        pidIn(pid);
        Stage broken = Stage.named("broken").command(ctx -> Command.of("sh", "-c", "echo 'no config' >&2; exit 5")
                .withDaemon(new Command.Daemon("main/0", exec("false")))).build();

        assertThatThrownBy(() -> run("run-f", broken)).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("exited with code 5: no config");
        assertThat(CommandTaskTest.running("sleep 600.4247")).as("the run failed: its daemons end").isEmpty();
    }

    @Test
    void aTcpProbeIsReadyOnceAConnectionIsAccepted() throws Exception {
        try (java.net.ServerSocket open = new java.net.ServerSocket(0)) {
            Command.Probe tcp = new Command.Probe(null, null, "127.0.0.1", open.getLocalPort(), null, Map.of(), true, 0, 100, 500, 1);
            assertThat(Probes.tryOnce(tcp, p -> 1)).isTrue();
        }
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Command.Probe refused = new Command.Probe(null, null, "127.0.0.1", closed, null, Map.of(), true, 0, 100, 500, 1);
        assertThat(Probes.tryOnce(refused, p -> 1)).isFalse();
    }
}

package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's daemon templates through {@code floe run}: a real server left running for later steps,
 * reached at {@code steps.X.ip} / {@code tasks.X.ip}, held back by its readiness probe, and gone
 * once the template that started it ended, or the run failed.
 */
class ArgoDaemonsITCase {
    private static final String EXAMPLE = "../conf/examples/daemons/daemon-server.yaml";

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Path log(String workflow, String stage, int attempt, String stream) {
        return dir.resolve("logs/" + workflow + "/" + stage + "/task-00000.attempt-" + attempt + "." + stream);
    }

    private FloeRun run(String file, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", file, "-D", "floe.task.log-dir=" + dir.resolve("logs"),
                "-D", "floe.progress=false"));
        args.addAll(List.of(more));
        return FloeRun.of(args.toArray(String[]::new));
    }

    private static boolean alive(long pid) throws IOException {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            return !Files.exists(stat) || !Files.readString(stat).replaceFirst("^.*\\) ", "").startsWith("Z");
        }
        return false;
    }

    @Test
    void aStepTalksToTheDaemonOnceItIsReadyAndItIsGoneWhenItsTemplateEnds() throws Exception {
        Path state = dir.resolve("state");
        FloeRun run = run(EXAMPLE, "-p", "port=" + freePort(), "-p", "state=" + state);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> fetched = Files.readAllLines(log("daemon-server", "serve-and-fetch.fetch", 1, "out"));
        assertThat(fetched.get(1)).isEqualTo("hello from the daemon");
        double readyAt = Double.parseDouble(Files.readString(state.resolve("ready-at")));
        assertThat(Double.parseDouble(fetched.get(0))).as("the fetch started after the server was ready (2 s after it started)")
                .isGreaterThanOrEqualTo(readyAt);
        assertThat(log("daemon-server", "check-gone", 1, "out")).as("the step after the template that started it").hasContent("gone");
        long pid = Long.parseLong(Files.readString(state.resolve("server.pid")).strip());
        assertThat(alive(pid)).as("server pid %d", pid).isFalse();
    }

    @Test
    void aDagDaemonIsRetriedUntilReadyByItsExecProbeAndReachedAtTasksIp() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        int port = freePort();
        Path spec = dir.resolve("dag-daemon.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: dag-daemon
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    dag:
                      tasks:
                      - name: server
                        template: server
                      - name: client
                        depends: server
                        template: client
                        withSequence:
                          count: "3"
                        arguments:
                          parameters:
                          - name: url
                            value: "http://{{tasks.server.ip}}:%1$d/page"
                  - name: server
                    daemon: true
                    retryStrategy:
                      limit: "2"
                    script:
                      image: python:3
                      command: [python3]
                      readinessProbe:
                        exec:
                          command: [test, -f, "%2$s/listening"]
                        periodSeconds: 1
                      source: |
                        import http.server, os, pathlib
                        state = pathlib.Path("%2$s")
                        tries = state / "tries"
                        tries.write_text(tries.read_text() + "x" if tries.exists() else "x")
                        if len(tries.read_text()) == 1:
                            raise SystemExit(7)  # the first start fails: retried as Argo retries a daemon
                        (state / "page").write_text("served")
                        (state / "server.pid").write_text(os.readlink("/proc/self"))
                        os.chdir(state)
                        server = http.server.ThreadingHTTPServer(("127.0.0.1", %1$d), http.server.SimpleHTTPRequestHandler)
                        (state / "listening").write_text("yes")
                        server.serve_forever()
                  - name: client
                    inputs:
                      parameters:
                      - name: url
                    container:
                      image: python:3
                      command: [python3, -c, "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())"]
                      args: ["{{inputs.parameters.url}}"]
                """.formatted(port, state));

        FloeRun run = run(spec.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(state.resolve("tries"))).isEqualTo("xx");
        for (int task = 0; task < 3; task++) {
            Path out = dir.resolve("logs/dag-daemon/client/task-0000" + task + ".attempt-1.out");
            assertThat(out).hasContent("served");
        }
        long pid = Long.parseLong(Files.readString(state.resolve("server.pid")).strip());
        assertThat(alive(pid)).as("server pid %d, ended with the dag", pid).isFalse();
    }

    @Test
    void aFailedRunEndsItsDaemons() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Path spec = dir.resolve("daemon-then-failure.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata:
                  name: daemon-then-failure
                spec:
                  entrypoint: main
                  templates:
                  - name: main
                    steps:
                    - - name: sleeper
                        template: sleeper
                    - - name: fail
                        template: fail
                  - name: sleeper
                    daemon: true
                    container:
                      image: busybox
                      command: [sh, -c, 'cut -d" " -f4 /proc/self/stat > %s; exec sleep 600']
                  - name: fail
                    container:
                      image: busybox
                      command: [sh, -c, 'echo broken >&2; exit 3']
                """.formatted(state.resolve("sleeper.pid")));

        FloeRun run = run(spec.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("stage 'fail' task 0 failed after 1 attempt").contains("exited with code 3: broken");
        long pid = Long.parseLong(Files.readString(state.resolve("sleeper.pid")).strip());
        assertThat(alive(pid)).as("the daemon (pid %d) of a failed run", pid).isFalse();
    }
}

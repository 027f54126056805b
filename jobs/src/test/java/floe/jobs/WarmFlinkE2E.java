package floe.jobs;

import floe.jobs.cluster.WarmFlink;
import floe.run.rest.FlinkRest;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code floe up}: a warm local Flink in a background JVM that later runs use instead of an
 * embedded Flink, reachable only with the key in its directory; {@code floe down} stops it.
 */
class WarmFlinkE2E {
    @TempDir
    Path dir;

    @AfterEach
    void stopWhatIsLeft() {
        WarmFlink.in(dir.resolve("log/warm")).stop();
        System.clearProperty("floe.log.dir");
    }

    @Test
    void runsGoToTheWarmFlinkWithTheEmbeddedResultAndOnlyItsKeyHolderReachesIt() throws Exception {
        System.setProperty("floe.log.dir", dir.resolve("log").toString());
        FloeRun gen = FloeRun.of("generate", "--out", dir.resolve("data").toString(), "--files", "16", "--records", "300");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        String input = dir.resolve("data/level-0").toString();
        FloeRun embedded = FloeRun.of("tree-merge", "-D", "floe.warm=false", "--input", input, "--work", dir.resolve("w0").toString(),
                "--output", dir.resolve("o0").toString());
        assertThat(embedded.exitCode()).as(embedded.err()).isZero();

        FloeRun up = FloeRun.of("up", "--timeout", "600");
        assertThat(up.exitCode()).as(up.err()).isZero();
        assertThat(up.out()).containsPattern("warm local Flink up at https://127\\.0\\.0\\.1:\\d+ \\(pid \\d+, \\d+ slots");
        WarmFlink warm = WarmFlink.in(dir.resolve("log/warm"));
        WarmFlink.Running running = warm.running().orElseThrow();
        assertThat(Files.getPosixFilePermissions(warm.dir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(running.process().info().commandLine().orElseThrow()).doesNotContain("password");
        FloeRun again = FloeRun.of("up");
        assertThat(again.out()).contains("warm local Flink already up at " + running.rest() + " (pid " + running.process().pid());

        FloeRun onWarm = FloeRun.of("tree-merge", "--input", input, "--work", dir.resolve("w1").toString(),
                "--output", dir.resolve("o1").toString());

        assertThat(onWarm.exitCode()).as(onWarm.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("o1/result.avro"))).isEqualTo(Files.readAllBytes(dir.resolve("o0/result.avro")));
        assertThat(onWarm.out()).contains("merge-l1                 tasks=8");
        Matcher job = Pattern.compile("tree-merge finished in [0-9.]+ s \\(job ([0-9a-f]{32})\\)").matcher(onWarm.out());
        assertThat(job.find()).as(onWarm.out()).isTrue();
        FlinkRest keyHolder = FlinkRest.connect(running.rest(), warm.client(new Configuration()).orElseThrow(), Optional.empty());
        assertThat(keyHolder.get("/jobs").toString()).contains(job.group(1));

        // Trusting the warm Flink's certificate is not enough: it takes only clients holding its key.
        Configuration trustOnly = new Configuration();
        warm.client(new Configuration()).orElseThrow().toMap().forEach((k, v) -> {
            if (k.startsWith("security.ssl.rest.truststore") || k.equals("security.ssl.rest.enabled")) {
                trustOnly.setString(k, v);
            }
        });
        assertThatThrownBy(() -> FlinkRest.connect(running.rest(), trustOnly, Optional.empty()).get("/jobs"))
                .hasMessageContaining(running.rest().toString());
        assertThatThrownBy(() -> FlinkRest.connect(running.rest(), new Configuration(), Optional.empty()).get("/jobs"))
                .hasMessageContaining("TLS handshake failed");

        FloeRun down = FloeRun.of("down");
        assertThat(down.out().trim()).isEqualTo("stopped the warm local Flink");
        assertThat(running.process().isAlive()).isFalse();
        assertThat(warm.running()).isEmpty();
        assertThat(dir.resolve("log/warm/flink.json")).doesNotExist();
        assertThat(FloeRun.of("down").out().trim()).isEqualTo("no warm local Flink runs (" + warm.dir() + ")");

        FloeRun afterDown = FloeRun.of("tree-merge", "--input", input, "--work", dir.resolve("w2").toString(),
                "--output", dir.resolve("o2").toString());
        assertThat(afterDown.exitCode()).as(afterDown.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("o2/result.avro"))).isEqualTo(Files.readAllBytes(dir.resolve("o0/result.avro")));
    }
}

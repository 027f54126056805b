package floe.jobs;

import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Argo's synchronization through {@code floe run}: how many tasks of a locked template run at once. */
class ArgoSynchronizationITCase {
    private static final String EXAMPLE = "../conf/examples/synchronization/mutex-and-semaphore.yaml";
    private static final String CONFIG = "../conf/examples/synchronization/config/my-config.yaml";

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(4);

    @TempDir
    Path dir;

    /** The most tasks of {@code stage} whose start-to-end spans overlap, from the times each task printed. */
    private int mostAtOnce(String stage) throws IOException {
        List<BigDecimal[]> spans = new ArrayList<>();
        try (Stream<Path> logs = Files.list(dir.resolve("logs/synchronization").resolve(stage))) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".out")).toList()) {
                List<String> lines = Files.readAllLines(log);
                spans.add(new BigDecimal[] {new BigDecimal(lines.get(0).split(" ")[1]), new BigDecimal(lines.get(1).split(" ")[1])});
            }
        }
        int most = 0;
        for (BigDecimal[] s : spans) {
            int at = 0;
            for (BigDecimal[] o : spans) {
                if (o[0].compareTo(s[0]) <= 0 && o[1].compareTo(s[0]) > 0) {
                    at++;
                }
            }
            most = Math.max(most, at);
        }
        return most;
    }

    @Test
    void aMutexRunsOneTaskAtATimeAndASemaphoreAsManyAsItsConfigMapSays() throws Exception {
        FloeRun run = FloeRun.of("run", EXAMPLE, "--config-map", "my-config=" + CONFIG, "-D", "floe.task.log-dir=" + dir.resolve("logs"),
                "-D", "floe.argo.lock-dir=" + dir.resolve("locks"), "-D", "floe.progress=false");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(mostAtOnce("one-at-a-time")).isEqualTo(1);
        assertThat(mostAtOnce("two-at-a-time")).isBetween(1, 2);
    }

    @Test
    void lintNamesTheConfigMapASemaphoreNeeds() {
        FloeRun lint = FloeRun.of("lint", EXAMPLE);

        assertThat(lint.exitCode()).as(lint.err()).isZero();
        assertThat(lint.err()).contains("spec.templates[2].synchronization.semaphores[0].configMapKeyRef: to run: the config map"
                + " 'my-config' needs its keys on this machine: --config-map my-config=");
    }
}

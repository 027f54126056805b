package floe.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argo's workflow {@code parallelism} on the embedded default (no shared test cluster here: the
 * command starts its own Flink): two looped steps of one group, at most one task at a time.
 */
class WorkflowParallelismITCase {
    @TempDir
    File dir;

    @Test
    void parallelismOneRunsOneTaskAtATimeEvenWithMoreSlots() throws Exception {
        File logs = new File(dir, "logs");

        FloeRun run = FloeRun.of("run", "src/test/resources/one-at-a-time.yaml",
                "-D", "floe.embedded.slots=4", "-D", "floe.progress=false", "-D", "floe.task.log-dir=" + logs);

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<double[]> spans = new ArrayList<>();
        for (String step : List.of("a", "b")) {
            for (File out : new File(logs, "one-at-a-time/" + step).listFiles((d, n) -> n.endsWith(".out"))) {
                String[] times = Files.readString(out.toPath()).trim().split("\\s+");
                spans.add(new double[] {Double.parseDouble(times[0]), Double.parseDouble(times[1])});
            }
        }
        assertThat(spans).hasSize(6);
        spans.sort((x, y) -> Double.compare(x[0], y[0]));
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0]).as("task %d starts after task %d ended", i, i - 1).isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
        }
    }
}

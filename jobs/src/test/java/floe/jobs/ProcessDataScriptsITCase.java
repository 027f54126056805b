package floe.jobs;

import floe.model.Command;
import floe.model.Workflow;
import floe.run.ContextRunner;
import floe.run.ProgressListener;
import floe.run.RunResult;
import floe.run.StageResult;

import org.apache.flink.configuration.Configuration;
import floe.testutils.TestingFlink;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example scripts (process.py, merge.py: Python, CSV) run as command tasks, 64 -> 32 -> 1 real
 * processes, give the same result as the native Avro tree merge on the same generated data.
 */
class ProcessDataScriptsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestingFlink.withSlots(2);

    private static final String SCRIPTS = new File("../conf/examples/process-data").getAbsolutePath();

    @TempDir
    File dir;

    @Test
    void scriptsAsCommandTasksMatchTheNativeTreeMerge() throws Exception {
        ReferenceData data = ReferenceData.generate(dir, 200);
        File csv = data.volume();

        RunResult run = ContextRunner.on(new Configuration()).run(processData(csv.getPath()), ProgressListener.none());

        assertThat(run.stages()).extracting(StageResult::tasks).containsExactly(64, 32, 1);
        assertThat(new File(csv, "level-1").list()).hasSize(64);
        assertThat(new File(csv, "level-2").list()).hasSize(32);
        assertThat(new File(csv, "result").list()).containsExactlyInAnyOrder("result.csv", "_SUCCESS");
        assertThat(data.scriptsManifest()).isEqualTo(data.nativeManifest());
    }

    /** process-data.yaml in Java, with the example scripts as command tasks. */
    private static Workflow processData(String volume) {
        Map<String, String> env = Map.of("FLOE_VOLUME", volume);
        return Workflow.named("process-data")
                .stage("process-data-l1", s -> s.withSequence(64).command(ctx ->
                        python("process.py", ctx.index(), 1).withEnv(env)))
                .stage("process-data-l2", s -> s.withSequence(32).pointwise("process-data-l1", 2).command(ctx ->
                        python("process.py", ctx.index(), 2).withEnv(env)))
                .stage("merge-data", s -> s.after("process-data-l2").command(ctx ->
                        python("merge.py", 0, 32).withEnv(env)))
                .build();
    }

    private static Command python(String script, int a, int b) {
        return Command.of("python3", script, Integer.toString(a), Integer.toString(b)).withWorkingDir(SCRIPTS);
    }
}

package floe.run;

import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage resources as slot sizes (fine-grained resource management) on a real Flink 2.3: with the
 * Default (region) scheduler and blocking edges, sized stages run in slots of their own size and a
 * consumer still starts as soon as its own producers are done.
 */
class StageSlotsITCase {
    private static EmbeddedRunner flink;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Configuration conf = new Configuration();
        conf.set(FloeOptions.EMBEDDED_SLOTS, 4);
        conf.set(FloeOptions.MAX_PARALLELISM, 4);
        conf.set(FloeOptions.STAGE_RESOURCES, true);
        flink = EmbeddedRunner.start(conf);
    }

    @AfterAll
    static void stop() {
        flink.close();
    }

    @Test
    void sizedStagesStartEarlyAndRunToTheEnd() {
        // As EmbeddedRunnerITCase's early-start case, each stage in slots of its own size, then an
        // unsized stage in default slots: level-1 task 0 waits for level-2 task 1.
        String marks = dir.toString();
        Workflow wf = Workflow.named("sized-early-start")
                .stage("l1", s -> s.withSequence(4).resources(0.5, 128).run(ctx -> {
                    if (ctx.index() == 0) {
                        awaitFile(Path.of(marks, "l2-1"), Duration.ofSeconds(60));
                    }
                    Files.writeString(Path.of(marks, "l1-" + ctx.index()), "done");
                }))
                .stage("l2", s -> s.withSequence(2).pointwise("l1", 2).resources(0.25, 256).run(ctx ->
                        Files.writeString(Path.of(marks, "l2-" + ctx.index()), "done")))
                .stage("result", s -> s.after("l2").run(ctx -> Files.writeString(Path.of(marks, "result"), "done")))
                .build();

        RunResult result = flink.run(wf, ProgressListener.none());

        assertThat(result.stage("l1").tasks()).isEqualTo(4);
        assertThat(result.stage("l2").tasks()).isEqualTo(2);
        assertThat(result.stage("result").tasks()).isEqualTo(1);
        assertThat(dir.resolve("result")).exists();
    }

    private static void awaitFile(Path file, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + limit);
            }
            Thread.sleep(20);
        }
    }
}

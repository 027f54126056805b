package floe.jobs;

import floe.connectors.avro.Codecs;
import floe.connectors.merge.ManifestBuilder;
import floe.connectors.merge.MergeFiles;
import floe.model.Workflow;
import floe.run.ContextRunner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The users' reference workflow ({@code process-data.yaml}) written with Floe's Java API: the
 * same stages, fan-outs and steps, with the scripts as Java methods over the same volume layout
 * ({@code level-0/} in; {@code level-1/}, {@code level-2/}, {@code result/} out).
 *
 * <pre>{@code
 * flink run -c floe.jobs.ProcessData floe-jobs.jar file:///mnt/vol
 * }</pre>
 */
public final class ProcessData {
    private ProcessData() {}

    public static Workflow workflow(String volume) {
        int numbers = 64;
        return Workflow.named("process-data")
                .parameter("numbers", Integer.toString(numbers))
                .stage("process-data-l1", s -> s.withSequence(numbers)
                        .run(ctx -> process(volume, ctx.index(), 1)))
                .stage("process-data-l2", s -> s.withSequence(numbers / 2).pointwise("process-data-l1", 2)
                        .run(ctx -> process(volume, ctx.index(), 2)))
                .stage("merge-data", s -> s.after("process-data-l2")
                        .run(ctx -> merge(volume, 0, numbers / 2)))
                .build();
    }

    /** {@code process.py FILE_NUMBER LEVEL}: merges files 2i and 2i+1 of the level below. */
    static void process(String volume, int fileNumber, int level) throws IOException {
        Path below = Layout.level(new Path(volume), level - 1);
        MergeFiles.merge(List.of(Layout.part(below, 2 * fileNumber), Layout.part(below, 2 * fileNumber + 1)),
                Layout.part(Layout.level(new Path(volume), level), fileNumber), Codecs.named("snappy"), null);
    }

    /** {@code merge.py FIRST COUNT}: merges level-2 files into result/, then writes result/_SUCCESS. */
    static void merge(String volume, int first, int count) throws IOException {
        List<Path> inputs = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            inputs.add(Layout.part(Layout.level(new Path(volume), 2), i));
        }
        Path result = new Path(new Path(volume), "result");
        ManifestBuilder manifest = new ManifestBuilder();
        MergeFiles.Outcome outcome = MergeFiles.merge(inputs, new Path(result, Layout.RESULT), Codecs.named("snappy"), manifest);
        manifest.build(outcome.recordsIn()).writeTo(new Path(result, floe.connectors.merge.Manifest.NAME));
    }

    /** Runs on the Flink that launched it ({@code flink run}); the argument is the volume's URI. */
    public static void main(String[] args) {
        ContextRunner.on(new Configuration()).run(workflow(Layout.dir(args[0]).toString()), floe.run.ProgressListener.none());
    }
}

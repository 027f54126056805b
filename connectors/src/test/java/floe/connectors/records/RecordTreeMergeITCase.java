package floe.connectors.records;

import floe.connectors.avro.Codecs;
import floe.testing.FloeExtension;
import floe.testing.TaskFault;
import floe.testing.WorkflowOutcome;
import floe.testutils.UsageRecords;

import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tree merge of a user's own record type as a Floe workflow on Flink, checked against one pass. */
class RecordTreeMergeITCase {
    @RegisterExtension
    static final FloeExtension floe = FloeExtension.embedded();

    private static final KeyedRecords<GenericRecord> USAGE = UsageRecords.TYPE;

    @TempDir
    File dir;

    @Test
    void aTreeMergeOfUsageGivesTheOnePassResult() throws Exception {
        List<Path> inputs = UsageRecords.generate(new File(dir, "level-0"), 16, 400, 7);
        RecordManifestBuilder<GenericRecord> onePass = new RecordManifestBuilder<>(USAGE);
        Path oracle = new Path(new File(dir, "one-pass/result.avro").toURI());
        RecordMerge.Outcome all = RecordMerge.files(USAGE, inputs, oracle, Codecs.named("snappy"), onePass);

        File out = new File(dir, "out");
        WorkflowOutcome run = floe.run(RecordTreeMerge.of(USAGE, inputs)
                .work(new Path(new File(dir, "work").toURI())).output(new Path(out.toURI()))
                .widths(8, 4, 1).build("usage-merge"), TaskFault.failTask("merge-l2", 1).onAttempt(1));

        run.assertSucceeded()
                .assertStage("merge-l1", 8, 0)
                .assertStage("merge-l2", 4, 1)
                .assertOutput("merge-result", 0, "records", Long.toString(all.recordsOut()))
                .assertFiles(out.toPath(), "_SUCCESS", "result.avro")
                .assertFiles(dir.toPath().resolve("work/level-2"), names(4));
        assertThat(RecordManifest.read(new Path(new File(out, "_SUCCESS").toURI()))).isEqualTo(onePass.build(all.recordsIn()));
        assertThat(Files.readAllBytes(out.toPath().resolve("result.avro")))
                .isEqualTo(Files.readAllBytes(new File(dir, "one-pass/result.avro").toPath()));
    }

    @Test
    void anUnsortedInputFailsTheRunNamingTheFileWithoutRetries() throws Exception {
        List<Path> inputs = new ArrayList<>(UsageRecords.generate(new File(dir, "level-0"), 3, 50, 1));
        File bad = new File(dir, "level-0/part-00003.avro");
        inputs.add(UsageRecords.write(bad, "bob,1,1", "ann,1,1"));
        File out = new File(dir, "out");

        WorkflowOutcome run = floe.run(RecordTreeMerge.of(USAGE, inputs)
                .work(new Path(new File(dir, "work").toURI())).output(new Path(out.toURI())).build("usage-merge"));

        run.assertFailed("merge-l1", 1, "failed after 1 attempt: " + new Path(bad.toURI())
                + ": not sorted by user: record 2 has user 'ann' after 'bob' (keys must be strictly increasing within a file)");
        assertThat(out).doesNotExist();
    }

    private static String[] names(int parts) {
        String[] names = new String[parts];
        for (int i = 0; i < parts; i++) {
            names[i] = String.format("part-%05d.avro", i);
        }
        return names;
    }
}

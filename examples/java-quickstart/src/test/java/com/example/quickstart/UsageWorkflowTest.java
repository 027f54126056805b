package com.example.quickstart;

import floe.connectors.avro.Codecs;
import floe.connectors.records.RecordManifest;
import floe.connectors.records.RecordManifestBuilder;
import floe.connectors.records.RecordMerge;
import floe.testing.FloeExtension;
import floe.testing.TaskFault;
import floe.testing.WorkflowOutcome;

import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample workflow on an embedded Flink shared by the tests, as FloeExtension runs it. */
class UsageWorkflowTest {
    @RegisterExtension
    static final FloeExtension floe = FloeExtension.embedded();

    @TempDir
    File dir;

    @Test
    void theTreeMergeGivesWhatOneMergeOfAllInputsGives() throws Exception {
        WorkflowOutcome run = floe.run(UsageWorkflow.of(dir.getPath(), 4, 500));

        run.assertSucceeded()
                .assertStage("generate", 4, 0)
                .assertStage("merge-l1", 2, 0)
                .assertOutput("generate", 3, "records", "500")
                .assertFiles(new File(dir, "out").toPath(), "_SUCCESS", "result.avro");

        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(new Path(new File(dir, String.format("level-0/part-%05d.avro", i)).toURI()));
        }
        RecordManifestBuilder<GenericRecord> oracle = new RecordManifestBuilder<>(Usage.RECORDS);
        RecordMerge.Outcome all = RecordMerge.files(Usage.RECORDS, inputs,
                new Path(new File(dir, "one-pass/result.avro").toURI()), Codecs.named("snappy"), oracle);
        RecordManifest manifest = RecordManifest.read(new Path(new File(dir, "out/_SUCCESS").toURI()));
        assertEquals(oracle.build(all.recordsIn()), manifest);
        assertEquals(2_000, manifest.records());
        assertTrue(run.task("report", 0).outcome().result().orElse("").contains("\"distinctKeys\" : " + manifest.distinctKeys()));
    }

    @Test
    void aMergeThatFailsOnceIsRetried() {
        floe.run(UsageWorkflow.of(dir.getPath(), 4, 100), TaskFault.failTask("merge-l1", 1).onAttempt(1))
                .assertSucceeded()
                .assertStage("merge-l1", 2, 1);
    }
}

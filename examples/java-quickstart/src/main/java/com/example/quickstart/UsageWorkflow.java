package com.example.quickstart;

import floe.connectors.records.RecordManifest;
import floe.connectors.records.RecordTreeMerge;
import floe.model.Command;
import floe.model.Workflow;

import org.apache.flink.core.fs.Path;

import java.util.ArrayList;
import java.util.List;

/**
 * The sample workflow: {@code generate} fans out to one Java task per input file; the tree merge
 * of those files follows pointwise ({@code merge-l1} task {@code j} starts once inputs {@code 2j}
 * and {@code 2j+1} are written) and fans in ({@code merge-result}); {@code report}, a command task,
 * prints the result's manifest.
 *
 * <pre>{@code
 * Workflow wf = UsageWorkflow.of("/tmp/usage", 8, 10_000);
 * }</pre>
 */
public final class UsageWorkflow {
    private UsageWorkflow() {}

    /** {@code files} input files of {@code records} records each, merged under {@code dir}. */
    public static Workflow of(String dir, int files, int records) {
        if (files < 2 || files % 2 != 0) {
            throw new IllegalArgumentException("files must be even and at least 2, got " + files);
        }
        String input = dir + "/level-0";
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            inputs.add(GenerateUsage.part(input, i));
        }
        String output = dir + "/out";
        Workflow.Builder wf = Workflow.named("usage")
                .stage("generate", s -> s.withSequence(files).run(new GenerateUsage(input, records)));
        RecordTreeMerge.of(Usage.RECORDS, inputs)
                .after("generate")
                .work(new Path(dir + "/work"))
                .output(new Path(output))
                .widths(files / 2, 1)
                .into(wf);
        return wf.stage("report", s -> s.after("merge-result")
                        .command(ctx -> Command.of("cat", output + "/" + RecordManifest.NAME)))
                .build();
    }
}

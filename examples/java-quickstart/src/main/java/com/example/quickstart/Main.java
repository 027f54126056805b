package com.example.quickstart;

import floe.FloeException;
import floe.connectors.records.RecordManifest;
import floe.model.Workflow;
import floe.run.ContextRunner;
import floe.run.TerminalProgress;
import floe.run.WorkflowRunner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;

import java.io.File;

/**
 * Runs the sample workflow: {@code java -jar target/floe-quickstart.jar DIR [FILES [RECORDS]]} on an
 * embedded Flink, or {@code flink run target/floe-quickstart.jar DIR ...} on a cluster whose
 * machines see {@code DIR} ({@code flink run -d} submits and returns). Exit code 0 when it succeeded,
 * 1 when it failed, 2 for bad arguments.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: floe-quickstart DIR [FILES [RECORDS]]");
            System.exit(2);
        }
        String dir = new File(args[0]).getAbsolutePath();
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Workflow wf = UsageWorkflow.of(dir, files, records);
        if (ContextRunner.isDetached()) { // flink run -d: nothing waits for the job, so neither do we
            System.out.println("usage: submitted as job " + ContextRunner.on(new Configuration()).submit(wf));
            return;
        }
        try (WorkflowRunner flink = WorkflowRunner.start(new Configuration())) {
            flink.run(wf, TerminalProgress.onStderr());
            RecordManifest manifest = RecordManifest.read(new Path(dir + "/out/" + RecordManifest.NAME));
            System.out.printf("usage: %d records merged into %d users: %s/out/result.avro%n",
                    manifest.records(), manifest.distinctKeys(), dir);
        } catch (FloeException e) {
            System.err.println("usage: " + e.getMessage());
            System.exit(1);
        }
    }
}

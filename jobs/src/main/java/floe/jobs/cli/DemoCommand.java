package floe.jobs.cli;

import floe.jobs.InputGenerator;
import floe.jobs.Layout;
import floe.jobs.TreeMerge;
import floe.jobs.TreeMergeSpec;
import floe.jobs.Verifier;

import org.apache.flink.core.fs.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code floe demo}: the whole reference case, generate -> tree merge -> verify, in one go. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the reference case on the embedded Flink: generate 128 files, merge 64 -> 32 -> 1, verify.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "target/floe-demo", description = "Where the files go (default ${DEFAULT-VALUE}).")
    String dir;

    @Option(names = "--records", defaultValue = "2000", description = "Records per input file (default ${DEFAULT-VALUE}: size S).")
    int records;

    @Option(names = "--files", defaultValue = "128", description = "Input files (default ${DEFAULT-VALUE}).")
    int files;

    @Mixin
    FlinkConfig flink;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Invocation typed = Invocation.of(spec);
        Path root = Layout.dir(typed.location(dir));
        String input = Layout.level(root, 0).toString();
        String work = new Path(root, "work").toString();
        String output = new Path(root, "output").toString();

        org.apache.flink.configuration.Configuration conf = flink.settings();
        try (WorkflowLauncher launcher = WorkflowLauncher.start(conf, typed)) {
            flink.fileSystems(conf); // while the embedded Flink starts
            out.printf("1/3 generate %d files x %d records -> %s%n", files, records, input);
            out.flush();
            new InputGenerator(files, records, InputGenerator.defaultKeys(records), 42, "snappy")
                    .writeTo(new Path(input), Runtime.getRuntime().availableProcessors());

            out.printf("2/3 tree merge on the embedded Flink -> %s%n", output);
            out.flush();
            TreeMergeSpec merge = new TreeMergeSpec(input, work, output, 2, null, "snappy", 3, true);
            floe.model.Workflow workflow = TreeMerge.prepare(merge);
            try {
                launcher.run(workflow, out, spec.commandLine().getErr(), null);
            } catch (RuntimeException e) {
                throw TreeMerge.reported(e, workflow);
            }
        }

        out.println("3/3 verify against a one-pass merge of the inputs");
        Verifier.Report report = Verifier.verify(input, output);
        out.print(report.written().toJson());
        out.println(report.ok() ? "verified: the result matches the one-pass merge" : "MISMATCH: see floe verify");
        out.println("files: inputs " + input + ", levels " + work + "/level-*, result " + output + "/result.avro");
        out.flush();
        return report.ok() ? 0 : FloeCli.FAILED;
    }
}

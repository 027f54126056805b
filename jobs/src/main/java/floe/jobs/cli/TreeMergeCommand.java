package floe.jobs.cli;

import floe.connectors.merge.Manifest;
import floe.jobs.Layout;
import floe.jobs.TreeMerge;
import floe.jobs.TreeMergeSpec;
import floe.model.Workflow;

import org.apache.flink.core.fs.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code floe tree-merge}: the reference case as a Flink batch job. */
@Command(name = "tree-merge", mixinStandardHelpOptions = true,
        description = "Merge sorted Metric files level by level (64 -> 32 -> 1 for 128 files) into result.avro and _SUCCESS.")
final class TreeMergeCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "URI", description = "Directory holding part-*.avro.")
    String input;

    @Option(names = "--work", required = true, paramLabel = "URI", description = "Where level-1/, level-2/, ... go.")
    String work;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "Where result.avro and _SUCCESS go.")
    String output;

    @Option(names = "--fan-in", defaultValue = "2", description = "Files a merge reads, for the default widths (default ${DEFAULT-VALUE}).")
    int fanIn;

    @Option(names = "--widths", split = ",", paramLabel = "N,N,1", description = "Tasks per level, e.g. 64,32,1; the last is 1.")
    List<Integer> widths;

    @Option(names = "--codec", defaultValue = "snappy", description = "Codec of the files written (default ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--attempts", defaultValue = "3", description = "Tries per task before the run fails (default ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--overwrite", description = "Replace the result in a non-empty --output.")
    boolean overwrite;

    @Mixin
    FlinkConfig flink;

    @Mixin
    ReportOption report;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Invocation typed = Invocation.of(spec);
        String output = typed.location(this.output);
        TreeMergeSpec merge = new TreeMergeSpec(typed.location(input), typed.location(work), output, fanIn, widths, codec, attempts,
                overwrite);
        org.apache.flink.configuration.Configuration conf = report.apply(flink.settings());
        try (WorkflowLauncher launcher = WorkflowLauncher.start(conf, typed)) {
            flink.fileSystems(conf); // while the embedded Flink starts
            Workflow workflow = TreeMerge.prepare(merge);
            try {
                if (launcher.run(workflow, out, spec.commandLine().getErr(), report.file) == null) {
                    return 0;
                }
            } catch (RuntimeException e) {
                throw TreeMerge.reported(e, workflow);
            }
        }
        Path dir = Layout.dir(output);
        out.println("result   " + new Path(dir, Layout.RESULT));
        out.println("manifest " + new Path(dir, Manifest.NAME));
        out.print(Manifest.read(new Path(dir, Manifest.NAME)).toJson());
        out.flush();
        return 0;
    }
}

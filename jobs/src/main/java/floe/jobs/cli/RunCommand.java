package floe.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code floe run FILE}: a workflow users already have, on Flink. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an Argo workflow file on the embedded Flink (or, under flink run, on that cluster): each step a stage, each task a real process.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    SpecFile spec;

    @Mixin
    FlinkConfig flink;

    @Mixin
    ReportOption report;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        org.apache.flink.configuration.Configuration conf = report.apply(flink.settings());
        try (WorkflowLauncher launcher = WorkflowLauncher.start(conf, Invocation.of(cli))) {
            flink.fileSystems(conf); // while the embedded Flink starts
            floe.model.Workflow workflow = spec.load(conf);
            spec.printNotices(cli.commandLine().getErr());
            launcher.run(workflow, cli.commandLine().getOut(), cli.commandLine().getErr(), report.file);
        }
        return 0;
    }
}

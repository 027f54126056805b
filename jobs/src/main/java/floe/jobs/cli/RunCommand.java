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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        try (WorkflowLauncher launcher = WorkflowLauncher.start(flink.load())) {
            floe.model.Workflow workflow = spec.load(flink.load());
            spec.printNotices(cli.commandLine().getErr());
            launcher.run(workflow, cli.commandLine().getOut());
        }
        return 0;
    }
}

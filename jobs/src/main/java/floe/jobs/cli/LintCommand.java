package floe.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code floe lint FILE}: every check of {@code run}, without running. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check a workflow file as run would, without running it (exit 0 if it is valid, 2 if not). What the run"
                + " needs from this machine and is not given (--secret, --config-map, --volume for a cluster's claim) is a notice.")
final class LintCommand implements Callable<Integer> {
    @Mixin
    SpecFile spec;

    @Mixin
    FlinkConfig flink;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        spec.checking = true;
        floe.model.Workflow wf = spec.load(flink.load());
        spec.printNotices(cli.commandLine().getErr());
        cli.commandLine().getOut().printf("%s: ok (workflow %s, %d stages, %d tasks)%n", spec.file, wf.name(), wf.stages().size(),
                wf.stages().stream().mapToLong(floe.model.Stage::tasks).sum());
        return 0;
    }
}

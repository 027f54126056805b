package floe.jobs.cli;

import floe.compile.Plan;
import floe.run.FloeOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code floe plan FILE}: the Flink job a workflow compiles to. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print the compiled plan of a workflow file as floe run would run it here: stages, tasks, parallelism"
                + " (subtasks), concurrency (tasks at once), edges (text, --json or --dot).")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    SpecFile spec;

    @Mixin
    FlinkConfig flink;

    @Option(names = "--json", description = "As JSON.")
    boolean json;

    @Option(names = "--dot", description = "As a Graphviz graph.")
    boolean dot;

    @Option(names = "--cluster", description = "As on a Flink cluster (floe submit), whose slots are not known in advance,"
            + " instead of the embedded Flink with floe.embedded.slots slots.")
    boolean cluster;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        floe.model.Workflow workflow = spec.load(flink.load());
        spec.printNotices(cli.commandLine().getErr());
        for (floe.model.Workflow wf = workflow; wf != null; wf = wf == workflow ? workflow.onExit() : null) {
            Plan plan = (cluster || floe.run.ContextRunner.isInFlinkClient()
                    ? FloeOptions.compiler(flink.load()) : FloeOptions.embeddedCompiler(flink.load())).plan(wf);
            cli.commandLine().getOut().print(json ? plan.toJson() : dot ? plan.toDot() : plan.describe());
        }
        cli.commandLine().getOut().flush();
        return 0;
    }
}

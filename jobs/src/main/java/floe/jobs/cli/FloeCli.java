package floe.jobs.cli;

import floe.DataException;
import floe.FloeException;
import floe.SpecException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code floe} command line. Under {@code flink run} the same main class submits to the
 * cluster that launched it; elsewhere workflows run on an embedded Flink.
 *
 * <p>Exit codes: 0 success; 1 a run, task or verification failed; 2 bad input (arguments,
 * locations, data files) — each with one message naming the path or option and the value.
 */
@Command(name = "floe",
        mixinStandardHelpOptions = true,
        version = "floe 0.1.0",
        description = "Batch workflows compiled to Apache Flink batch jobs.",
        subcommands = {
            DemoCommand.class,
            GenerateCommand.class,
            TreeMergeCommand.class,
            RunCommand.class,
            PlanCommand.class,
            LintCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            BaselineCommand.class,
            BatchServiceCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FloeCli implements Runnable {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        floe.jobs.PeakMemory.reportIfAsked();
        if (code != 0 || !floe.run.ContextRunner.isInFlinkClient()) {
            System.exit(code);
        }
    }

    /** The command line with Floe's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FloeCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("floe: " + message(e));
            return e instanceof SpecException || e instanceof DataException ? BAD_INPUT : FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_INPUT : FAILED);
        return cli;
    }

    private static String message(Exception e) {
        if (e instanceof FloeException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

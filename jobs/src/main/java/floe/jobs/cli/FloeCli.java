package floe.jobs.cli;

import floe.DataException;
import floe.FloeException;
import floe.SpecException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

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
        description = "Batch workflows compiled to Apache Flink batch jobs.")
public final class FloeCli implements Runnable {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    /** Floe's subcommands, in the order {@code floe --help} lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            DemoCommand.class,
            GenerateCommand.class,
            TreeMergeCommand.class,
            RunCommand.class,
            PlanCommand.class,
            LintCommand.class,
            ResumeCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            BaselineCommand.class,
            ClusterCommand.class,
            WarmCommands.Up.class,
            WarmCommands.Down.class,
            SubmitCommand.class,
            JobCommands.ListJobs.class,
            JobCommands.Status.class,
            JobCommands.Cancel.class,
            BatchServiceCommand.class,
            ServerCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where this command line was typed. */
    final Invocation invocation;

    private FloeCli(Invocation invocation) {
        this.invocation = invocation;
    }

    public static void main(String[] args) {
        if (floe.run.ContextRunner.isDetached()) {
            // Submitted without waiting (flink run -d, or a jar run through the REST API, where this
            // runs inside the JobManager): never exit the JVM, fail with the message instead.
            java.io.StringWriter err = new java.io.StringWriter();
            CommandLine cli = commandLine(Invocation.ofThisJvm(), args);
            cli.setErr(new java.io.PrintWriter(err, true));
            if (cli.execute(args) != 0) {
                throw new FloeException(err.toString().trim().replaceFirst("^floe: ", ""));
            }
            return;
        }
        int code = commandLine(Invocation.ofThisJvm(), args).execute(args);
        floe.jobs.PeakMemory.reportIfAsked();
        if (code != 0 || !floe.run.ContextRunner.isInFlinkClient()) {
            System.exit(code);
        }
    }

    /** The command line with Floe's error handling, for main and for tests. */
    public static CommandLine commandLine() {
        return commandLine(Invocation.ofThisJvm());
    }

    /**
     * The command line {@code typed} where {@code invocation} says: relative paths on it resolve
     * there. When it starts with a subcommand's name, that subcommand is the only one picocli
     * models (modelling all of them took about 0.1 s of every start); otherwise, and for {@code
     * help}, all are there.
     */
    static CommandLine commandLine(Invocation invocation, String... typed) {
        CommandLine cli = new CommandLine(new FloeCli(invocation));
        Class<?> only = typed.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(sub -> sub != CommandLine.HelpCommand.class && sub.getAnnotation(Command.class).name().equals(typed[0]))
                .findFirst().orElse(null);
        for (Class<?> sub : SUBCOMMANDS) {
            if (only == null || sub == only) {
                cli.addSubcommand(sub);
            }
        }
        if (invocation.inWarmFlink()) {
            cli.registerConverter(java.nio.file.Path.class, text -> java.nio.file.Path.of(invocation.path(text)));
        }
        // floe submit [its options] FILE|tree-merge ARGS: what follows FILE belongs to the job.
        CommandLine submit = cli.getSubcommands().get("submit");
        if (submit != null) {
            submit.setStopAtPositional(true);
        }
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

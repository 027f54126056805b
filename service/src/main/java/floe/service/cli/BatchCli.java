package floe.service.cli;

import floe.DataException;
import floe.FloeException;
import floe.SpecException;
import floe.service.ApiException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code floe batch}: the Batch service and a client of it. {@code bin/floe batch ...} runs this.
 *
 * <pre>
 * floe batch serve --volume workdir=/data/vol --image-dir conf/examples/process-data/batch
 * floe batch register conf/examples/process-data/batch/job-definition-process-data.json
 * floe batch submit conf/examples/process-data/batch/job-process-data-l1.json     # prints the job id
 * </pre>
 *
 * <p>Exit codes: 0 success; 1 the service failed or cannot be reached; 2 bad input (a file, an
 * option, or a request the service refused with a 4xx), each with one message.
 */
@Command(name = "floe batch",
        mixinStandardHelpOptions = true,
        version = "floe 0.1.0",
        description = "A job queue speaking the AWS Batch API, running jobs on Flink; and its client.",
        subcommands = {
            ServeCommand.class,
            RegisterCommand.class,
            SubmitCommand.class,
            DescribeCommand.class,
            ListCommand.class,
            CancelCommand.class,
            TerminateCommand.class,
            CreateQueueCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BatchCli implements Runnable {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment credentials and the endpoint are read from. */
    final java.util.Map<String, String> env;

    private BatchCli(java.util.Map<String, String> env) {
        this.env = java.util.Map.copyOf(env);
    }

    public static void main(String[] args) {
        int code = commandLine(System.getenv()).execute(args);
        if (code != 0 || !ServeCommand.serving()) {
            System.exit(code);
        }
    }

    /** The command line with Floe's error handling, reading {@code env} as its environment (main: the process's). */
    public static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new BatchCli(env));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("floe batch: " + message(e));
            if (e instanceof ApiException api) {
                return api.status() >= 400 && api.status() < 500 && api.status() != 403 ? BAD_INPUT : FAILED;
            }
            return e instanceof SpecException || e instanceof DataException ? BAD_INPUT : FAILED;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? BAD_INPUT : FAILED);
        return cli;
    }

    private static String message(Exception e) {
        if (e instanceof ApiException api) {
            return api.type() + " (" + api.status() + "): " + api.getMessage();
        }
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

package floe.jobs.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code floe batch}: the Batch job-queue service lives in its own module and jar
 * ({@code service/}); {@code bin/floe batch ...} runs it. Listed here so that {@code floe --help}
 * shows it, and says where it is when reached without bin/floe.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "A job queue speaking the AWS Batch API, running jobs on Flink (serve, register, submit, describe, list, "
                + "cancel, terminate): bin/floe batch --help.")
final class BatchServiceCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        cli.commandLine().getErr().println("floe: 'floe batch' runs from bin/floe, with the service's own jar"
                + " (service/target/floe-service.jar): bin/floe batch --help");
        return FloeCli.BAD_INPUT;
    }
}

package floe.jobs.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code floe server}: Argo Server's API beside the Batch API, in the service's own module and jar
 * ({@code service/}); {@code bin/floe server ...} runs it. Listed here so that {@code floe --help}
 * shows it, and says where it is when reached without bin/floe.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Serve Argo Server's API (argo CLI, Hera) and the AWS Batch API on one port, running workflows on Flink:"
                + " bin/floe server --help.")
final class ServerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        cli.commandLine().getErr().println("floe: 'floe server' runs from bin/floe, with the service's own jar"
                + " (service/target/floe-service.jar): bin/floe server --help");
        return FloeCli.BAD_INPUT;
    }
}

package floe.service.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code floe batch terminate ID}: TerminateJob (stops a running job too). */
@Command(name = "terminate", mixinStandardHelpOptions = true, description = "Terminate a job, running or not (TerminateJob).")
final class TerminateCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Option(names = "--reason", defaultValue = "Terminated by floe batch terminate", description = "Why (the job's statusReason).")
    String reason;

    @Override
    public Integer call() {
        return CancelCommand.stop(endpoint, parent.env, "terminatejob", id, reason);
    }
}

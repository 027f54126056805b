package floe.service.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code floe batch cancel ID}: CancelJob (a job not yet started). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job that has not started (CancelJob); a running one needs terminate.")
final class CancelCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Option(names = "--reason", defaultValue = "Cancelled by floe batch cancel", description = "Why (the job's statusReason).")
    String reason;

    static Integer stop(Endpoint endpoint, java.util.Map<String, String> env, String operation, String id, String reason) {
        ObjectNode request = JsonFile.JSON.createObjectNode();
        request.put("jobId", id);
        request.put("reason", reason);
        endpoint.client(env).call(operation, request);
        return 0;
    }

    @Override
    public Integer call() {
        return stop(endpoint, parent.env, "canceljob", id, reason);
    }
}

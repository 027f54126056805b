package floe.service.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code floe batch create-queue NAME}: CreateJobQueue. */
@Command(name = "create-queue", mixinStandardHelpOptions = true, description = "Create a job queue (CreateJobQueue); prints its ARN.")
final class CreateQueueCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "NAME")
    String name;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        ObjectNode request = JsonFile.JSON.createObjectNode();
        request.put("jobQueueName", name);
        request.put("priority", 1);
        cli.commandLine().getOut().println(endpoint.client(parent.env).call("createjobqueue", request).get("jobQueueArn").asText());
        return 0;
    }
}

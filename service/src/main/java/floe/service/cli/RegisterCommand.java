package floe.service.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.util.concurrent.Callable;

/** {@code floe batch register FILE}: RegisterJobDefinition; prints NAME:REVISION. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register a job definition (RegisterJobDefinition JSON); prints name:revision and its ARN.")
final class RegisterCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "FILE", description = "A job definition as JSON.")
    File file;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        JsonNode answer = endpoint.client(parent.env).call("registerjobdefinition", JsonFile.read(file));
        cli.commandLine().getOut().println(answer.get("jobDefinitionName").asText() + ":" + answer.get("revision").asInt()
                + "\t" + answer.get("jobDefinitionArn").asText());
        return 0;
    }
}

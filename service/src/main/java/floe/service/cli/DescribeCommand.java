package floe.service.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code floe batch describe ID...}: DescribeJobs, as JSON. */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe jobs (DescribeJobs): their states, reasons and times, as JSON.")
final class DescribeCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "JOB_ID", arity = "1..100", description = "Job ids (ID:N for a child of an array job).")
    List<String> ids;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        ObjectNode request = JsonFile.JSON.createObjectNode();
        ids.forEach(request.putArray("jobs")::add);
        var answer = endpoint.client(parent.env).call("describejobs", request);
        if (answer.get("jobs").size() < ids.size()) {
            cli.commandLine().getOut().println(JsonFile.pretty(answer));
            throw new floe.SpecException("no job with id " + ids.stream()
                    .filter(id -> answer.get("jobs").findValuesAsText("jobId").stream().noneMatch(id::equals)).toList());
        }
        cli.commandLine().getOut().println(JsonFile.pretty(answer));
        return 0;
    }
}

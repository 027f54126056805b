package floe.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code floe batch list}: ListJobs, one job a line. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List jobs (ListJobs) of a queue or an array job in one state: ID  STATUS  NAME, one a line.")
final class ListCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "The job queue (default: default).")
    String queue;

    @Option(names = "--array-job", paramLabel = "JOB_ID", description = "List the children of this array job instead.")
    String arrayJob;

    @Option(names = "--status", paramLabel = "STATUS", defaultValue = "RUNNING",
            description = "SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING (default), SUCCEEDED or FAILED.")
    String status;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        String next = null;
        do {
            ObjectNode request = JsonFile.JSON.createObjectNode();
            if (arrayJob != null) {
                request.put("arrayJobId", arrayJob);
            } else {
                request.put("jobQueue", queue == null ? "default" : queue);
            }
            request.put("jobStatus", status);
            if (next != null) {
                request.put("nextToken", next);
            }
            JsonNode answer = endpoint.client(parent.env).call("listjobs", request);
            for (JsonNode job : answer.get("jobSummaryList")) {
                cli.commandLine().getOut().printf("%s\t%s\t%s%n", job.get("jobId").asText(), job.get("status").asText(),
                        job.get("jobName").asText());
            }
            next = answer.path("nextToken").asText(null);
        } while (next != null);
        return 0;
    }
}

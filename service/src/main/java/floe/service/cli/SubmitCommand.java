package floe.service.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code floe batch submit FILE}: SubmitJob; prints the new job's id alone, for scripts. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a job (SubmitJob JSON); prints the job id.")
final class SubmitCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    @Mixin
    Endpoint endpoint;

    @Parameters(paramLabel = "FILE", description = "A job submission as JSON.")
    File file;

    @Option(names = "--depends-on", paramLabel = "JOB_ID",
            description = "Depend on this job instead of the file's dependsOn jobIds (repeatable; keeps the file's dependency type).")
    List<String> dependsOn = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "QUEUE", description = "Submit to this queue instead of the file's jobQueue.")
    String queue;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() {
        ObjectNode job = JsonFile.read(file);
        if (queue != null) {
            job.put("jobQueue", queue);
        }
        if (!dependsOn.isEmpty()) {
            String type = job.path("dependsOn").path(0).path("type").asText(null);
            ArrayNode deps = job.putArray("dependsOn");
            for (String id : dependsOn) {
                ObjectNode d = deps.addObject();
                d.put("jobId", id);
                if (type != null && !type.equals("SEQUENTIAL")) {
                    d.put("type", type);
                }
            }
        }
        cli.commandLine().getOut().println(endpoint.client(parent.env).call("submitjob", job).get("jobId").asText());
        return 0;
    }
}

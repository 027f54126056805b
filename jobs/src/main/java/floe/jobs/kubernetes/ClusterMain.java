package floe.jobs.kubernetes;

import floe.FloeException;
import floe.argo.ArgoWorkflows;
import floe.jobs.cli.FloeCli;
import floe.jobs.spec.ShippedSpec;
import floe.model.Workflow;
import floe.run.ContextRunner;
import floe.run.ProgressListener;
import floe.run.RunResult;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;

/**
 * The program a Kubernetes application cluster runs in its JobManager: a shipped workflow
 * ({@code workflow ENCODED}, see {@link ShippedSpec}) or any {@code floe} command ({@code floe
 * tree-merge --input oss://...}). The job goes to the cluster the program runs in; a failure ends
 * the program with an exception, never {@code System.exit}, which would take the JobManager down
 * with it and have Kubernetes start it (and the workflow) again.
 *
 * <pre>{@code
 * ClusterMain.main(new String[] {"workflow", spec.encode()});
 * }</pre>
 */
public final class ClusterMain {
    /** First program argument of a shipped workflow. */
    public static final String WORKFLOW = "workflow";
    /** First program argument of a {@code floe} command line. */
    public static final String FLOE = "floe";

    private ClusterMain() {}

    public static void main(String[] args) {
        if (args.length == 2 && WORKFLOW.equals(args[0])) {
            // The cluster's configuration, as the Flink that runs this program hands it over.
            Configuration conf = Configuration.fromMap(StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().toMap());
            ArgoWorkflows.Loaded loaded = ShippedSpec.decode(args[1]).load(conf);
            loaded.notices().forEach(n -> System.err.println("floe: notice: " + n));
            Workflow workflow = loaded.workflow();
            RunResult result = ContextRunner.on(conf).run(workflow, ProgressListener.none());
            System.out.printf("%s finished in %.2f s (job %s)%n", workflow.name(), result.wallTime().toMillis() / 1000.0, result.jobId());
        } else if (args.length >= 2 && FLOE.equals(args[0])) {
            int code = FloeCli.commandLine().execute(Arrays.copyOfRange(args, 1, args.length));
            if (code != 0) {
                throw new FloeException("floe " + String.join(" ", Arrays.copyOfRange(args, 1, args.length)) + ": exit code " + code);
            }
        } else {
            throw new FloeException("usage: ClusterMain workflow ENCODED | ClusterMain floe COMMAND [ARG...]");
        }
    }
}

package floe.run;

import floe.model.Workflow;
import floe.run.rest.FlinkRest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs workflows on a Flink session cluster, compiled here: each run compiles the workflow,
 * submits its job graph through the cluster's REST API with {@code jars} (Floe's classes, e.g.
 * {@code jobs/target/floe-jobs.jar}; none when the cluster has them already) and follows the job
 * until it ends ({@link RestRunner}). Interrupting the calling thread cancels the job.
 *
 * <pre>{@code
 * SessionRunner flink = SessionRunner.connect(URI.create("http://flink:8081"), new Configuration(), Optional.empty(), List.of(jar));
 * RunResult result = flink.run(workflow, ProgressListener.none(), jobId -> { });
 * }</pre>
 */
public final class SessionRunner implements WorkflowRunner {
    private final Configuration conf;
    private final RestRunner rest;
    private final List<Path> jars;
    private final floe.compile.WorkflowCompiler compiler;

    private SessionRunner(Configuration conf, RestRunner rest, List<Path> jars, floe.compile.WorkflowCompiler compiler) {
        this.conf = conf;
        this.rest = rest;
        this.jars = List.copyOf(jars);
        this.compiler = compiler;
    }

    /**
     * The cluster whose REST API is at {@code address}: TLS as {@code conf}'s
     * {@code security.ssl.rest.*} settings say, with {@code authorization} as the Authorization header.
     */
    public static SessionRunner connect(URI address, Configuration conf, Optional<String> authorization, List<Path> jars) {
        return new SessionRunner(new Configuration(conf), RestRunner.on(FlinkRest.connect(address, conf, authorization)), jars,
                FloeOptions.compiler(conf));
    }

    /** This runner, compiling for a cluster of {@code slots} task slots (plans then say how many tasks run at once). */
    public SessionRunner forSlots(int slots) {
        return new SessionRunner(conf, rest, jars, FloeOptions.compiler(conf).forSlots(slots));
    }

    /** The compiler of this runner's plans. */
    public floe.compile.WorkflowCompiler compiler() {
        return compiler;
    }

    /** Where the jobs go. */
    public URI address() {
        return rest.rest().address();
    }

    /**
     * Runs {@code workflow} to the end (then its exit handler); throws the failing task's error if
     * it fails. {@code submitted} is told the Flink job's id just before the job is sent.
     */
    public RunResult run(Workflow workflow, ProgressListener progress, Consumer<String> submitted) {
        return WorkflowLocks.held(workflow, () -> ExitHandlers.run(workflow, wf -> {
            // The graph carries only the settings a job needs: never the client's secrets (see FlinkSettings.shipped).
            CompiledJob job = CompiledJob.of(wf, FlinkSettings.shipped(conf), compiler);
            JobGraph graph = job.graph();
            for (Path jar : jars) {
                graph.addJar(new org.apache.flink.core.fs.Path(jar.toUri()));
            }
            // The id is the graph's own, known before the cluster has the job: told first, a caller
            // that records it and dies during the submission finds the job again (or learns that
            // the cluster never got it) instead of submitting a second one.
            submitted.accept(graph.getJobID().toHexString());
            String jobId = rest.submit(graph);
            return rest.follow(jobId, job.plan(), progress, deadline(wf));
        }));
    }

    @Override
    public RunResult run(Workflow workflow, ProgressListener progress) {
        return run(workflow, progress, jobId -> { });
    }

    /** Asks the cluster to cancel the Flink job {@code jobId}. */
    public void cancel(String jobId) {
        rest.cancel(jobId);
    }

    /**
     * Whether the cluster knows the Flink job {@code jobId} (running, or ended and still
     * remembered); false only when the cluster itself says it has no such job. While it does not
     * answer, waits and asks again ({@link RestRunner#knows}).
     */
    public boolean knows(String jobId) {
        return rest.knows(jobId);
    }

    /** Follows the Flink job {@code jobId} that ran {@code workflow} (submitted earlier, by another process maybe) to its end. */
    public RunResult attach(Workflow workflow, String jobId, ProgressListener progress) {
        return rest.follow(jobId, compiler.plan(workflow), progress, deadline(workflow));
    }

    private static Optional<Duration> deadline(Workflow workflow) {
        return workflow.hasDeadline() ? Optional.of(workflow.deadline()) : Optional.empty();
    }
}

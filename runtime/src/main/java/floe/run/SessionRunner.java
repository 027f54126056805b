package floe.run;

import floe.FloeException;
import floe.compile.Plan;
import floe.model.Workflow;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs workflows on a Flink session cluster through its REST API: each run compiles the workflow,
 * uploads it with {@code jars} (Floe's classes, e.g. {@code jobs/target/floe-jobs.jar}; none when
 * the cluster has them already) and follows the job until it ends. Interrupting the calling thread
 * cancels the job.
 *
 * <pre>{@code
 * try (SessionRunner flink = SessionRunner.connect(URI.create("http://flink:8081"), new Configuration(), List.of(jar))) {
 *     RunResult result = flink.run(workflow, ProgressListener.none());
 * }
 * }</pre>
 */
public final class SessionRunner implements AutoCloseable {
    private static final long POLL_MILLIS = 250;

    private final Configuration conf;
    private final RestClusterClient<StandaloneClusterId> client;
    private final List<java.nio.file.Path> jars;

    private SessionRunner(Configuration conf, RestClusterClient<StandaloneClusterId> client, List<java.nio.file.Path> jars) {
        this.conf = conf;
        this.client = client;
        this.jars = List.copyOf(jars);
    }

    public static SessionRunner connect(URI rest, Configuration base, List<java.nio.file.Path> jars) {
        Configuration conf = new Configuration(base);
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort() > 0 ? rest.getPort() : 8081);
        try {
            return new SessionRunner(conf, new RestClusterClient<>(conf, StandaloneClusterId.getInstance()), jars);
        } catch (Exception e) {
            throw new FloeException("cannot reach the Flink cluster at " + rest + ": " + e.getMessage(), e);
        }
    }

    /** Where the jobs go. */
    public String address() {
        return client.getWebInterfaceURL();
    }

    /** Runs {@code workflow} to the end (then its exit handler); throws the failing task's error if it fails. */
    public RunResult run(Workflow workflow, ProgressListener progress) {
        return run(workflow, progress, id -> { });
    }

    /** As above; {@code submitted} is told the Flink job's id as soon as the cluster has the job. */
    public RunResult run(Workflow workflow, ProgressListener progress, java.util.function.Consumer<String> submitted) {
        return ExitHandlers.run(workflow, wf -> runJob(wf, progress, submitted, null));
    }

    /** Whether the cluster knows the Flink job {@code jobId} (running, or ended and still remembered). */
    public boolean knows(String jobId) {
        try {
            JobID id = JobID.fromHexString(jobId);
            return client.listJobs().get().stream().anyMatch(j -> j.getJobId().equals(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Follows the Flink job {@code jobId} that ran {@code workflow} (submitted earlier, by another process maybe) to its end. */
    public RunResult attach(Workflow workflow, String jobId, ProgressListener progress) {
        return runJob(workflow, progress, id -> { }, JobID.fromHexString(jobId));
    }

    private RunResult runJob(Workflow workflow, ProgressListener progress, java.util.function.Consumer<String> submitted, JobID existing) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(conf));
        Plan plan = FloeOptions.compiler(conf).compile(workflow, env);
        StreamGraph streamGraph = env.getStreamGraph();
        streamGraph.setJobName(workflow.name());
        JobGraph jobGraph = streamGraph.getJobGraph(Thread.currentThread().getContextClassLoader());
        jobGraph.setJobConfiguration(FlinkSettings.job(jobGraph.getJobConfiguration()));
        for (java.nio.file.Path jar : jars) {
            jobGraph.addJar(new org.apache.flink.core.fs.Path(jar.toUri()));
        }
        long start = System.nanoTime();
        JobID jobId = existing;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            if (jobId == null) {
                jobId = client.submitJob(jobGraph).get();
                submitted.accept(jobId.toHexString());
            }
            long deadline = workflow.hasDeadline() ? start + workflow.deadline().toNanos() : Long.MAX_VALUE;
            boolean reportedRunning = false;
            while (true) {
                JobStatus status = client.getJobStatus(jobId).get();
                if (status.isGloballyTerminalState()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    client.cancel(jobId).get();
                    throw Results.pastDeadline(workflow);
                }
                if (!reportedRunning && status == JobStatus.RUNNING) {
                    reportedRunning = true;
                    progress.update(plan.stages().stream().map(s -> new StageProgress(s.stage().name(), 0,
                            s.stage().tasks(), 1, false)).toList(), false);
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
            JobResult result = client.requestJobResult(jobId).get();
            if (!result.isSuccess()) {
                throw Results.failure(workflow.name(), result.getSerializedThrowable()
                        .map(t -> (Throwable) t)
                        .orElse(new FloeException("job ended " + result.getJobStatus().orElse(null))), loader);
            }
            return Results.of(plan, jobId.toString(), Duration.ofNanos(System.nanoTime() - start),
                    result.toJobExecutionResult(loader).getAllAccumulatorResults());
        } catch (FloeException e) {
            throw e;
        } catch (InterruptedException e) {
            if (jobId != null) {
                client.cancel(jobId);
            }
            Thread.currentThread().interrupt();
            throw new FloeException("interrupted while running workflow '" + workflow.name() + "'", e);
        } catch (Exception e) {
            throw Results.failure(workflow.name(), e, loader);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

package floe.run;

import floe.compile.Plan;
import floe.model.Workflow;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * Runs a workflow on the Flink that launched this program ({@code flink run}, an application
 * cluster): the job goes to that cluster and {@link #run} returns when it ends. The launching
 * client reports no progress per stage, so the listener hears nothing.
 *
 * <pre>{@code
 * RunResult result = ContextRunner.on(conf).run(workflow, ProgressListener.none());
 * }</pre>
 */
public final class ContextRunner implements WorkflowRunner {
    private final Configuration conf;

    private ContextRunner(Configuration conf) {
        this.conf = conf;
    }

    /** The launching Flink, with the Floe settings of {@code conf}. */
    public static ContextRunner on(Configuration conf) {
        return new ContextRunner(new Configuration(conf));
    }

    /** True when this JVM was started by a Flink client, so jobs go to its cluster. */
    public static boolean isInFlinkClient() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /**
     * True when the launching client does not wait for jobs: {@code flink run -d}, or a jar run
     * through the REST API ({@code /jars/:id/run}, where this program runs inside the JobManager).
     */
    public static boolean isDetached() {
        return isInFlinkClient() && !StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    /**
     * Submits {@code workflow} to the launching cluster and returns its job id without waiting,
     * for detached clients. Whoever follows the job enforces its deadline; an exit handler needs
     * the workflow's end, so a workflow with one is refused here.
     */
    public String submit(Workflow workflow) {
        if (workflow.onExit() != null) {
            throw new floe.SpecException("workflow '" + workflow.name() + "': an exit handler (onExit) runs after the"
                    + " workflow ends, which a detached submission does not wait for; run it attached (flink run without -d, or floe run)");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.job(conf));
        FloeOptions.compiler(conf).compile(workflow, env);
        try {
            return env.executeAsync(workflow.name()).getJobID().toString();
        } catch (Exception e) {
            throw Results.failure(workflow.name(), e, Thread.currentThread().getContextClassLoader());
        }
    }

    /** Runs {@code workflow} on the launching cluster, then its exit handler if it has one. */
    @Override
    public RunResult run(Workflow workflow, ProgressListener progress) {
        return WorkflowLocks.held(workflow, () -> ExitHandlers.run(workflow, wf -> runJob(wf, progress)));
    }

    private RunResult runJob(Workflow workflow, ProgressListener progress) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.job(conf));
        floe.compile.WorkflowCompiler compiler = FloeOptions.compiler(conf);
        Plan plan = compiler.compile(workflow, env);
        long start = System.nanoTime();
        try {
            JobExecutionResult result;
            if (workflow.hasDeadline()) {
                org.apache.flink.core.execution.JobClient job = env.executeAsync(workflow.name());
                try {
                    result = job.getJobExecutionResult().get(workflow.deadline().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    job.cancel().get();
                    throw Results.pastDeadline(workflow);
                }
            } else {
                result = env.execute(workflow.name());
            }
            if (compiler.keepsTaskRecords()) {
                // A client's job result has accumulators only when it succeeded: a failed run's report lacks its tasks.
                progress.tasksEnded(workflow.name(), Results.taskRecords(result.getAllAccumulatorResults()));
            }
            return Results.of(plan, result.getJobID().toString(), Duration.ofNanos(System.nanoTime() - start),
                    result.getAllAccumulatorResults());
        } catch (floe.FloeException e) {
            throw e;
        } catch (Exception e) {
            throw Results.failure(workflow.name(), e, Thread.currentThread().getContextClassLoader());
        }
    }
}

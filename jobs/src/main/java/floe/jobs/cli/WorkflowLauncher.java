package floe.jobs.cli;

import floe.compile.WorkflowCompiler;
import floe.model.Workflow;
import floe.run.ContextRunner;
import floe.run.EmbeddedRunner;
import floe.run.FloeOptions;
import floe.run.RunResult;
import floe.run.StageResult;
import floe.run.TerminalProgress;

import org.apache.flink.configuration.Configuration;

import java.io.PrintWriter;

/** Runs a workflow where this program was started: on the Flink that launched it, or embedded. */
final class WorkflowLauncher {
    private WorkflowLauncher() {}

    static RunResult run(Workflow workflow, Configuration conf, PrintWriter out) {
        out.print(WorkflowCompiler.withMaxParallelism(conf.get(FloeOptions.MAX_PARALLELISM)).plan(workflow).describe());
        out.flush();
        RunResult result;
        if (ContextRunner.isInFlinkClient()) {
            result = ContextRunner.run(workflow, conf);
        } else {
            try (EmbeddedRunner flink = EmbeddedRunner.start(conf)) {
                result = flink.run(workflow, conf.get(FloeOptions.PROGRESS)
                        ? TerminalProgress.onStderr() : floe.run.ProgressListener.none());
            }
        }
        out.printf("%s finished in %.2f s (job %s)%n", workflow.name(), result.wallTime().toMillis() / 1000.0, result.jobId());
        for (StageResult s : result.stages()) {
            out.printf("  %-24s %7d tasks  %3d retries  task time avg %6.0f ms, max %6d ms%n", s.stage(), s.tasks(),
                    s.retries(), s.tasks() == 0 ? 0.0 : (double) s.taskMillis() / s.tasks(), s.maxTaskMillis());
        }
        out.flush();
        return result;
    }
}

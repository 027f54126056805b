package floe.compile;

import floe.TaskFailedException;
import floe.exec.TaskExecutor;
import floe.model.Stage;
import floe.model.TaskCompletion;
import floe.model.Workflow;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;

import java.io.Serializable;
import java.util.List;

/**
 * What the operator of a stage shares, whatever feeds it: the stage, its executor and its
 * metrics. A task that used up its attempts fails the job without a Flink restart: trying it
 * again would only repeat the same attempts.
 */
final class StageTasks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Workflow workflow;
    private final String stageName;
    private final String logDir;
    private transient TaskExecutor executor;
    private transient StageMetrics metrics;

    StageTasks(Workflow workflow, String stageName, String logDir) {
        this.workflow = workflow;
        this.stageName = stageName;
        this.logDir = logDir;
    }

    Stage stage() {
        return workflow.stage(stageName);
    }

    void open(RuntimeContext context) {
        executor = new TaskExecutor(workflow.name(), workflow.parameters(), stage(), java.nio.file.Path.of(logDir));
        metrics = new StageMetrics(context, stageName);
    }

    TaskCompletion run(int index, List<TaskCompletion> inputs) throws InterruptedException {
        try {
            TaskCompletion completion = executor.run(index, inputs);
            metrics.record(completion);
            return completion;
        } catch (TaskFailedException e) {
            throw new SuppressRestartsException(e);
        }
    }

    void close() {
        if (executor != null) {
            executor.close();
        }
    }
}

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
    private transient Stage stage;
    private transient TaskExecutor executor;
    private transient StageMetrics metrics;

    StageTasks(Workflow workflow, String stageName, String logDir) {
        this.workflow = workflow;
        this.stageName = stageName;
        this.logDir = logDir;
    }

    Stage stage() {
        if (stage == null) {
            stage = workflow.stage(stageName);
        }
        return stage;
    }

    void open(RuntimeContext context) {
        executor = new TaskExecutor(workflow.name(), workflow.parameters(), stage(), java.nio.file.Path.of(logDir));
        metrics = new StageMetrics(context, stageName);
    }

    TaskCompletion run(int index, List<TaskCompletion> inputs) throws InterruptedException {
        return run(index, stage().tasks(), inputs);
    }

    /** Runs task {@code index} of a stage that turned out to have {@code tasks} tasks. */
    TaskCompletion run(int index, int tasks, List<TaskCompletion> inputs) throws InterruptedException {
        try {
            TaskCompletion completion = executor.run(index, tasks, inputs);
            metrics.record(completion);
            return completion;
        } catch (TaskFailedException e) {
            throw new SuppressRestartsException(e);
        }
    }

    /** How many tasks a stage whose count is worked out at run time has, given its inputs. */
    int count(List<TaskCompletion> inputs) {
        Stage stage = stage();
        int n;
        try {
            n = stage.dynamicTasks().count(inputs);
        } catch (floe.FloeException e) {
            throw new SuppressRestartsException(e);
        } catch (Exception e) {
            throw new SuppressRestartsException(new floe.FloeException("stage '" + stage.name() + "': cannot work out its tasks: " + e.getMessage(), e));
        }
        if (n < 0 || n > stage.tasks()) {
            throw new SuppressRestartsException(new floe.SpecException("stage '" + stage.name() + "': " + n
                    + " tasks, more than the " + stage.tasks() + " a stage may have"));
        }
        return n;
    }

    void close() {
        if (executor != null) {
            executor.close();
        }
    }
}

package floe.run;

import floe.FloeException;
import floe.TaskFailedException;
import floe.compile.Plan;
import floe.compile.StagePlan;

import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.SerializedThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns what Flink reports (accumulators, failures) into Floe's results and errors. */
final class Results {
    private Results() {}

    static RunResult of(Plan plan, String jobId, Duration wallTime, Map<String, Object> accumulators) {
        List<StageResult> stages = new ArrayList<>();
        for (StagePlan s : plan.stages()) {
            String name = s.stage().name();
            stages.add(new StageResult(name,
                    number(accumulators.get("floe.tasks." + name)).intValue(),
                    number(accumulators.get("floe.attempts." + name)).intValue(),
                    number(accumulators.get("floe.task-millis." + name)).longValue(),
                    number(accumulators.get("floe.task-max-millis." + name)).longValue(),
                    number(accumulators.get("floe.tasks-skipped." + name)).intValue(),
                    number(accumulators.get("floe.tasks-failed." + name)).intValue(),
                    number(accumulators.get("floe.tasks-resumed." + name)).intValue()));
        }
        return new RunResult(plan.workflow().name(), jobId, wallTime, stages);
    }

    /**
     * The error a user should see for a failed job: the task failure that caused it when there
     * is one (by type, even when Flink shipped it serialized), else the job's own failure.
     */
    static FloeException failure(String workflow, Throwable jobFailure, ClassLoader classLoader) {
        Throwable t = jobFailure;
        if (t instanceof SerializedThrowable serialized) {
            t = serialized.deserializeError(classLoader);
        }
        Optional<TaskFailedException> task = ExceptionUtils.findThrowable(t, TaskFailedException.class);
        if (task.isPresent()) {
            return task.get();
        }
        Optional<SerializedThrowable> inner = ExceptionUtils.findThrowable(t, SerializedThrowable.class);
        if (inner.isPresent()) {
            Throwable original = inner.get().deserializeError(classLoader);
            Optional<TaskFailedException> deep = ExceptionUtils.findThrowable(original, TaskFailedException.class);
            if (deep.isPresent()) {
                return deep.get();
            }
        }
        Throwable root = ExceptionUtils.stripExecutionException(t);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new FloeException("workflow '" + workflow + "' failed: " + root, t);
    }

    static FloeException pastDeadline(floe.model.Workflow workflow) {
        return new FloeException("workflow '" + workflow.name() + "' ran longer than its deadline of "
                + workflow.deadline().toString().substring(2).toLowerCase() + " and was stopped");
    }

    /**
     * The task records the job's stages kept ({@code floe.task-records.STAGE}), from its
     * accumulators as a job result carries them, whether it succeeded or failed; those that cannot
     * be read are left out (the report then counts their tasks as not run).
     */
    static List<floe.report.TaskRecord> taskRecords(
            Map<String, org.apache.flink.util.SerializedValue<org.apache.flink.util.OptionalFailure<Object>>> accumulators,
            ClassLoader loader) {
        List<floe.report.TaskRecord> records = new ArrayList<>();
        accumulators.forEach((name, value) -> {
            if (!name.startsWith(floe.compile.TaskRecordAccumulator.PREFIX)) {
                return;
            }
            try {
                org.apache.flink.util.OptionalFailure<Object> v = value.deserializeValue(loader);
                if (!v.isFailure() && v.getUnchecked() instanceof List<?> list) {
                    for (Object o : list) {
                        if (o instanceof floe.report.TaskRecord r) {
                            records.add(r);
                        }
                    }
                }
            } catch (java.io.IOException | ClassNotFoundException e) {
                // a record that cannot be read shows as a task not run
            }
        });
        return records;
    }

    /** The task records among a succeeded job's accumulators, as a Flink client hands them over. */
    static List<floe.report.TaskRecord> taskRecords(Map<String, Object> accumulators) {
        List<floe.report.TaskRecord> records = new ArrayList<>();
        accumulators.forEach((name, value) -> {
            if (name.startsWith(floe.compile.TaskRecordAccumulator.PREFIX) && value instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof floe.report.TaskRecord r) {
                        records.add(r);
                    }
                }
            }
        });
        return records;
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }
}

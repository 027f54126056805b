package floe.model;

import java.io.Serializable;

/**
 * The body of a Java task. It is shipped to the TaskManagers, so it must be serializable (a
 * lambda assigned to this type is). It may run more than once (retry, failover): write to
 * deterministic paths and commit atomically.
 */
@FunctionalInterface
public interface TaskFunction extends Serializable {
    void run(TaskContext context) throws Exception;
}

package floe.model;

import java.io.Serializable;
import java.util.List;

/**
 * How many tasks a stage runs, when only its upstream tasks' outputs tell (Argo {@code withParam}
 * over a JSON list an earlier step printed). Shipped to the TaskManagers; must be deterministic.
 */
@FunctionalInterface
public interface TaskCounter extends Serializable {
    int count(List<TaskCompletion> inputs) throws Exception;
}

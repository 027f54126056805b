package floe.model;

import java.util.Objects;

/** A task that runs a Java function in the TaskManager. */
public record JavaTask(TaskFunction function) implements TaskBody {
    public JavaTask {
        Objects.requireNonNull(function, "function");
    }
}

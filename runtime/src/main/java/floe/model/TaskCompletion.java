package floe.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What flows between stages: one finished task, small by design (the heavy data is in the files
 * the task wrote). {@link #outcome()} reads its outputs as a phase, exit code, result and output
 * parameters; {@code outputs} is their stored form, with a Java task's own outputs beside them.
 */
public record TaskCompletion(
        String stage,
        int index,
        int attempts,
        long startMillis,
        long endMillis,
        Map<String, String> outputs,
        List<String> files)
        implements Serializable {

    public TaskCompletion {
        Objects.requireNonNull(stage, "stage");
        outputs = Collections.unmodifiableMap(new TreeMap<>(outputs)); // sorted, for stable output
        files = List.copyOf(files);
    }

    /** The phase, message, exit code, result and output parameters in {@link #outputs()}. */
    public TaskOutcome outcome() {
        return new TaskOutcome(outputs);
    }

    public long durationMillis() {
        return endMillis - startMillis;
    }
}

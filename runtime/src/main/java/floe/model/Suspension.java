package floe.model;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A task that waits (Argo's {@code suspend} template): for {@code duration}, or, when that is
 * null, until it is resumed. {@code directory} is the run's directory of suspended tasks, where a
 * waiting task announces itself ({@code NODE.suspended}) and {@code floe resume} leaves
 * {@code NODE.resume} with the values of its {@code parameters} (those a person supplies on
 * resuming, each with its default, or null: none).
 */
public record Suspension(Duration duration, String directory, String run, String node, List<Supplied> parameters)
        implements Command.Action {

    public Suspension {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(node, "node");
        parameters = List.copyOf(parameters);
    }

    /** An output parameter a person supplies on resuming, with its default (null: none). */
    public record Supplied(String name, String defaultValue) implements Serializable {
        public Supplied {
            Objects.requireNonNull(name, "name");
        }
    }

    @Override
    public List<String> describe() {
        List<String> words = new ArrayList<>(List.of("suspend"));
        words.add(duration == null ? "until resumed" : "for " + duration.toString().substring(2).toLowerCase());
        return words;
    }
}

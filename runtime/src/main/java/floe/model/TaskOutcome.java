package floe.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The typed face of a task's outputs: its phase, message, exit code, result and output parameters.
 * The outputs stay a map of strings (what completions carry between operators and what the service
 * keeps); the keys are this class's constants, written nowhere else.
 *
 * <pre>{@code
 * TaskOutcome o = completion.outcome();
 * if (o.phase() == Phase.SUCCEEDED && o.exitCode().orElse(0) == 0) {
 *     String greeting = o.parameter("greeting").orElse("none");
 * }
 * }</pre>
 */
public record TaskOutcome(Map<String, String> outputs) {
    /** The key of the phase: {@link Phase#argoName()}; absent means succeeded. */
    public static final String PHASE = "phase";
    /** The key of why a task was skipped or failed. */
    public static final String MESSAGE = "message";
    /** The key of a command's exit code. */
    public static final String EXIT_CODE = "exitCode";
    /** The key of a command's result: the tail of its stdout. */
    public static final String RESULT = "result";
    /** The prefix of the key of each output parameter. */
    public static final String PARAMETER = "outputs.parameters.";
    /** The key of the address a daemon listens on (Argo's {@code steps.X.ip}). */
    public static final String IP = "ip";
    /** The key prefix of an output artifact's location. */
    public static final String ARTIFACT = "outputs.artifacts.";

    public TaskOutcome {
        Objects.requireNonNull(outputs, "outputs");
    }

    /** The key output artifact {@code name}'s location is kept under. */
    public static String artifactKey(String name) {
        return ARTIFACT + name;
    }

    /** The key output parameter {@code name} is kept under. */
    public static String parameterKey(String name) {
        return PARAMETER + Objects.requireNonNull(name, "name");
    }

    /** How the task ended; {@code SUCCEEDED} when no phase was recorded (a task still running counts so). */
    public Phase phase() {
        String phase = outputs.get(PHASE);
        return phase == null ? Phase.SUCCEEDED : Phase.ofArgoName(phase);
    }

    /** Why the task was skipped or failed. */
    public Optional<String> message() {
        return Optional.ofNullable(outputs.get(MESSAGE));
    }

    /** A command's exit code; empty for a Java task, or a command skipped before it ran. */
    public OptionalInt exitCode() {
        String code = outputs.get(EXIT_CODE);
        return code == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(code));
    }

    /** A command's result (the tail of its stdout, stripped); empty when it did not run to a zero exit. */
    public Optional<String> result() {
        return Optional.ofNullable(outputs.get(RESULT));
    }

    /** The address other tasks reach a daemon task's process at; empty for any other task. */
    public Optional<String> ip() {
        return Optional.ofNullable(outputs.get(IP));
    }

    /** Output parameter {@code name}. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(outputs.get(parameterKey(name)));
    }

    /** The output parameters by name (without the {@value #PARAMETER} prefix), sorted by name. */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new TreeMap<>();
        outputs.forEach((key, value) -> {
            if (key.startsWith(PARAMETER)) {
                parameters.put(key.substring(PARAMETER.length()), value);
            }
        });
        return parameters;
    }

    /** Where output artifact {@code name} was stored, when the task stored it. */
    public Optional<String> artifact(String name) {
        return Optional.ofNullable(outputs.get(artifactKey(name)));
    }

    /** The stored output artifacts' locations by name, sorted by name. */
    public Map<String, String> artifacts() {
        Map<String, String> artifacts = new TreeMap<>();
        outputs.forEach((key, value) -> {
            if (key.startsWith(ARTIFACT)) {
                artifacts.put(key.substring(ARTIFACT.length()), value);
            }
        });
        return artifacts;
    }
}

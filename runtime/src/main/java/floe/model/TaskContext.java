package floe.model;

import java.util.List;
import java.util.Map;

/** What a running task knows of itself and what it can report back. */
public interface TaskContext {

    /** The workflow's name. */
    String workflow();

    /**
     * An id of this run of the workflow, shared by all its tasks and by no other run (a Flink job's
     * id); the workflow's name where nothing gives one.
     */
    default String run() {
        return workflow();
    }

    /** The stage's name. */
    String stage();

    /** This task's index in its stage, {@code 0 .. tasks()-1}. */
    int index();

    /** How many tasks the stage has. */
    int tasks();

    /** 1 on the first attempt, 2 on the first retry, and so on. */
    int attempt();

    /** The workflow's and the stage's parameters (the stage's win). */
    Map<String, String> parameters();

    /** Completions of the upstream tasks this task depended on, by stage then index. */
    List<TaskCompletion> inputs();

    /** Reports an output parameter, handed to downstream tasks in their {@link #inputs()}. */
    void output(String name, String value);

    /** The output parameters reported so far. */
    Map<String, String> outputs();

    /** What was reported so far, typed: the phase, exit code, result and output parameters. */
    default TaskOutcome outcome() {
        return new TaskOutcome(outputs());
    }

    /** Reports a command's exit code. */
    default void exitCode(int code) {
        output(TaskOutcome.EXIT_CODE, Integer.toString(code));
    }

    /** Reports a command's result (the tail of its stdout). */
    default void result(String result) {
        output(TaskOutcome.RESULT, result);
    }

    /** Reports the address other tasks reach this daemon task's process at. */
    default void ip(String address) {
        output(TaskOutcome.IP, address);
    }

    /** Reports output parameter {@code name}, read as {@link TaskOutcome#parameter} downstream. */
    default void outputParameter(String name, String value) {
        output(TaskOutcome.parameterKey(name), value);
    }

    /** Reports output artifact {@code name}, stored at {@code location}; read as {@link TaskOutcome#artifact} downstream. */
    default void outputArtifact(String name, String location) {
        output(TaskOutcome.artifactKey(name), location);
    }

    /** Reports a file (URI) this task wrote. */
    void wrote(String uri);

    /**
     * Marks this task skipped (a condition said not to run it): it completes without running, in
     * phase {@link Phase#SKIPPED} with {@code reason} as its message. A task that completes normally is
     * {@link Phase#SUCCEEDED}; one that failed in a stage that continues on failure is {@link Phase#FAILED}.
     */
    void skip(String reason);

    /** Whether {@link #skip} was called. */
    boolean skipped();
}

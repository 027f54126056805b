package floe.model;

import java.util.List;
import java.util.Map;

/** What a running task knows of itself and what it can report back. */
public interface TaskContext {

    /** The workflow's name. */
    String workflow();

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

    /** Reports a file (URI) this task wrote. */
    void wrote(String uri);

    /**
     * Marks this task skipped (a condition said not to run it): it completes without running, with
     * the {@code phase} output {@code Skipped}. A task that completes normally is {@code Succeeded};
     * one that failed in a stage that continues on failure is {@code Failed}.
     */
    void skip(String reason);

    /** Whether {@link #skip} was called. */
    boolean skipped();
}

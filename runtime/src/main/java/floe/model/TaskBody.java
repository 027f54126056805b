package floe.model;

import java.io.Serializable;

/** What a task runs: a Java function in the TaskManager, or a command as a real process. */
public sealed interface TaskBody extends Serializable permits JavaTask, CommandTask {}

package floe.model;

import java.io.Serializable;

/** What a task runs: a Java function here; front-ends add their own kinds (commands). */
public sealed interface TaskBody extends Serializable permits JavaTask {}

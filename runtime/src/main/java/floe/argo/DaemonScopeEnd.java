package floe.argo;

import floe.exec.Daemons;
import floe.model.TaskContext;
import floe.model.TaskFunction;

/**
 * The stage after every stage of a steps or dag template that runs daemons: task {@code g} ends the
 * daemons its run {@code g} started, as Argo ends a template's daemons when the template ends.
 */
final class DaemonScopeEnd implements TaskFunction {
    private static final long serialVersionUID = 1L;
    /** The last part of the stage's name, after the scope's path. */
    static final String NAME = "floe.daemons";

    private final String scope;

    DaemonScopeEnd(String scope) {
        this.scope = scope;
    }

    @Override
    public void run(TaskContext ctx) {
        Daemons.end(ctx.run(), scope + "/" + ctx.index());
    }
}

package floe.argo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an Argo workflow once its nested templates are expanded: a {@link Body} is a steps
 * or dag template as called at one place, its {@link Call}s are its steps or tasks. A call either
 * runs a container or script (a leaf: one stage of tasks) or calls another steps or dag template
 * (a nested body). A loop over a call multiplies every stage under it: stage tasks are numbered in
 * mixed radix, the outermost loop first, so the tasks of one instance of a nested body are always
 * a contiguous range of each of its stages.
 */
final class CallTree {
    private CallTree() {}

    /** A steps or dag template as called at one place; its calls are added while it is expanded. */
    static final class Body implements Serializable {
        private static final long serialVersionUID = 1L;
        final ArgoSpec.Template template;
        final String templatePath;
        final List<Call> calls = new ArrayList<>();

        Body(ArgoSpec.Template template, String templatePath) {
            this.template = template;
            this.templatePath = templatePath;
        }

        Call call(String name) {
            for (Call c : calls) {
                if (c.name.equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * One step or DAG task (or the entrypoint itself, with no step). {@code width} is how many
     * times its loop runs it, or -1 when a {@code withParam} decides at run time (only where no
     * loop encloses it). Exactly one of {@code stage} (a leaf) and {@code body} (a nested template)
     * is set, unless the call is past the recursion limit ({@code tooDeep}), which is a leaf too.
     */
    static final class Call implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final String stepPath;
        final ArgoSpec.Step step;
        final List<Object> items;
        final int width;
        final ArgoDepends depends;
        final ArgoSpec.Template template;
        final String templatePath;
        String stage;
        Body body;
        int tooDeep;
        /**
         * The stages whose outputs this call's arguments, loop or condition read: a step that reads a
         * nested call's outputs works them out from the call's inputs, so it waits on these too; and
         * the stage ending the daemons its template started, which what follows it waits for.
         */
        transient List<String> argumentStages = new ArrayList<>();

        Call(String name, String stepPath, ArgoSpec.Step step, List<Object> items, int width, ArgoDepends depends,
                ArgoSpec.Template template, String templatePath) {
            this.name = name;
            this.stepPath = stepPath;
            this.step = step;
            // A sequence stays a sequence: a loop of any length travels as a few numbers.
            this.items = items == null ? null : items instanceof TemplateSettings.Sequence ? items : List.copyOf(items);
            this.width = width;
            this.depends = depends;
            this.template = template;
            this.templatePath = templatePath;
        }

        boolean leaf() {
            return body == null;
        }

        boolean dynamic() {
            return width < 0;
        }

        /** The stages under this call, each with how many of its tasks one run of this call's template makes. */
        List<Leaf> leaves() {
            List<Leaf> out = new ArrayList<>();
            collect(this, 1, out, true);
            return out;
        }

        private static void collect(Call c, int span, List<Leaf> out, boolean top) {
            int below = top ? span : span * Math.max(1, c.width);
            if (c.leaf()) {
                out.add(new Leaf(c.stage, below, c));
                return;
            }
            for (Call child : c.body.calls) {
                collect(child, below, out, false);
            }
        }
    }

    /** A stage under a call, and how many of its tasks one run of that call's template has. */
    record Leaf(String stage, int span, Call call) {}
}

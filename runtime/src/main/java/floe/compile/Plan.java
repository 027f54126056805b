package floe.compile;

import floe.model.Workflow;

import java.util.List;
import java.util.stream.Collectors;

/** A compiled workflow: one {@link StagePlan} per stage, in the workflow's order. */
public record Plan(Workflow workflow, List<StagePlan> stages) {

    public Plan {
        stages = List.copyOf(stages);
    }

    public StagePlan stage(String name) {
        return stages.stream().filter(s -> s.stage().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + name));
    }

    /** The plan as a few lines of text: stage, tasks, parallelism, edges. */
    public String describe() {
        StringBuilder out = new StringBuilder("workflow " + workflow.name() + "\n");
        for (StagePlan s : stages) {
            out.append(String.format("  %-24s tasks=%-7d parallelism=%-4d", s.stage().name(), s.stage().tasks(), s.parallelism()));
            if (!s.edges().isEmpty()) {
                out.append(" after ").append(s.edges().stream()
                        .map(e -> e.dependency() + " " + e.kind())
                        .collect(Collectors.joining(", ")));
            }
            out.setLength(out.length() - (out.length() - out.toString().stripTrailing().length()));
            out.append('\n');
        }
        return out.toString();
    }
}

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

    /** The plan as JSON: stages with tasks, parallelism, concurrency, uid and edges. */
    public String toJson() {
        StringBuilder out = new StringBuilder("{\n  \"workflow\": \"" + workflow.name() + "\",\n  \"stages\": [");
        for (int i = 0; i < stages.size(); i++) {
            StagePlan s = stages.get(i);
            out.append(i == 0 ? "\n" : ",\n").append(String.format(
                    "    {\"name\": \"%s\", \"tasks\": %d,%s \"parallelism\": %d, \"concurrency\": %d,%s \"uid\": \"%s\", \"edges\": [%s]}",
                    s.stage().name(), s.stage().tasks(), s.stage().isDynamic() ? " \"dynamic\": true," : "", s.parallelism(),
                    s.concurrency(), body(s.stage()), s.uid(),
                    s.edges().stream().map(e -> String.format("{\"from\": \"%s\", \"dependency\": \"%s\", \"fanIn\": %d,%s \"edge\": \"%s\"}",
                            e.dependency().upstream(), e.dependency().kind(), e.dependency().fanIn(),
                            e.dependency().kind() == floe.model.Dependency.Kind.GROUPED ? " \"fanOut\": " + e.dependency().fanOut() + "," : "",
                            e.kind()))
                            .collect(Collectors.joining(", "))));
        }
        return out.append("\n  ]\n}\n").toString();
    }

    /** What a stage runs, as far as a plan can show it: its command template, retries and timeout. */
    private static String body(floe.model.Stage stage) {
        StringBuilder out = new StringBuilder();
        if (stage.body() instanceof floe.model.CommandTask c && c.command().describe() != null) {
            out.append(" \"command\": \"").append(new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                    .quoteAsString(c.command().describe()))).append("\",");
        }
        if (stage.retry().attempts() > 1) {
            out.append(" \"attempts\": ").append(stage.retry().attempts()).append(',');
        }
        if (stage.hasTimeout()) {
            out.append(" \"timeout\": \"").append(stage.timeout()).append("\",");
        }
        if (stage.continueOnFailure()) {
            out.append(" \"continueOnFailure\": true,");
        }
        return out.toString();
    }

    /** The plan as a Graphviz graph: a box per stage, an arrow per edge. */
    public String toDot() {
        StringBuilder out = new StringBuilder("digraph \"" + workflow.name() + "\" {\n  rankdir=LR;\n  node [shape=box];\n");
        for (StagePlan s : stages) {
            out.append(String.format("  \"%s\" [label=\"%s\\n%d tasks, parallelism %d, concurrency %d\"];%n",
                    s.stage().name(), s.stage().name(), s.stage().tasks(), s.parallelism(), s.concurrency()));
            for (StagePlan.Edge e : s.edges()) {
                out.append(String.format("  \"%s\" -> \"%s\" [label=\"%s\"];%n", e.dependency().upstream(), s.stage().name(),
                        e.kind() + (e.dependency().fanIn() > 0 ? " x" + e.dependency().fanIn() : "")));
            }
        }
        return out.append("}\n").toString();
    }

    /**
     * The plan as a few lines of text: stage, tasks, parallelism (subtasks), concurrency (the most
     * of its tasks that run at once, given the slots when they are known), edges.
     */
    public String describe() {
        StringBuilder out = new StringBuilder("workflow " + workflow.name() + "\n");
        for (StagePlan s : stages) {
            out.append(String.format("  %-24s tasks=%-7s parallelism=%-4d concurrency=%-4d", s.stage().name(),
                    s.stage().isDynamic() ? "<=" + s.stage().tasks() : Integer.toString(s.stage().tasks()), s.parallelism(),
                    s.concurrency()));
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

package floe.jobs.cli;

import floe.SpecException;
import floe.argo.ArgoOptions;
import floe.exec.Suspensions;
import floe.run.FloeOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code floe resume RUN [--node NAME] [-p NAME=VALUE]}: resumes the suspended nodes of a run (its
 * suspend templates), as Argo's {@code argo resume} and {@code argo node set -p} do; with no RUN,
 * lists what waits. Works for every run of this machine: embedded, or on a session cluster here.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume the suspended nodes (suspend templates) of a workflow run on this machine, supplying their output"
                + " parameters; with no RUN, list the suspended nodes.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN",
            description = "The run (as floe prints it when a node suspends: NAME-xxxxxxxx), or the workflow's name when one run of it waits.")
    String run;

    @Option(names = "--node", paramLabel = "NAME",
            description = "Resume only this node: its step's name (approve), or its path (outer.approve); default: every suspended node of the run.")
    String node;

    @Option(names = {"-p", "--output-parameter"}, paramLabel = "NAME=VALUE",
            description = "A value of an output parameter the node supplies (valueFrom.supplied); one not given takes its default (repeatable).")
    Map<String, String> values = new LinkedHashMap<>();

    @Mixin
    FlinkConfig flink;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path root = Path.of(flink.load().getOptional(FloeOptions.ARGO_SUSPEND_DIR).orElse(ArgoOptions.DEFAULT_SUSPEND_DIR));
        PrintWriter out = spec.commandLine().getOut();
        List<Suspensions.Waiting> all = Suspensions.waiting(root);
        if (run == null) {
            if (all.isEmpty()) {
                out.println("no suspended nodes (in " + root + ")");
            } else {
                out.printf("%-36s  %-24s  %-20s  %-20s  %s%n", "RUN", "NODE", "SINCE", "UNTIL", "PARAMETERS (default)");
                for (Suspensions.Waiting w : all) {
                    out.printf("%-36s  %-24s  %-20s  %-20s  %s%n", w.run(), w.node(), seconds(w.since()),
                            w.until() == null ? "on resume" : seconds(w.until()), parameters(w.defaults()));
                }
            }
            out.flush();
            return 0;
        }
        TreeSet<String> runs = new TreeSet<>();
        all.stream().map(Suspensions.Waiting::run).filter(r -> r.equals(run) || r.matches(java.util.regex.Pattern.quote(run) + "-[0-9a-f]{8}"))
                .forEach(runs::add);
        if (runs.isEmpty()) {
            throw new SpecException("RUN " + run + ": no suspended node of such a run (in " + root + "; floe resume lists them)");
        }
        if (runs.size() > 1) {
            throw new SpecException("RUN " + run + ": several runs of this workflow wait: name one (" + String.join(", ", runs) + ")");
        }
        String chosen = runs.first();
        List<Suspensions.Waiting> nodes = all.stream().filter(w -> w.run().equals(chosen) && (node == null || matches(w.node(), node))).toList();
        if (nodes.isEmpty()) {
            throw new SpecException("--node " + node + ": run " + chosen + " has no such suspended node (suspended: " + String.join(", ",
                    all.stream().filter(w -> w.run().equals(chosen)).map(Suspensions.Waiting::node).toList()) + ")");
        }
        for (Suspensions.Waiting w : nodes) {
            Suspensions.resume(w, values);
            out.println("run " + chosen + ": node " + w.node() + " resumed");
        }
        out.flush();
        return 0;
    }

    /** A node is named by its path ({@code outer.approve}), its step's name ({@code approve}), each with or without a loop's index. */
    private static boolean matches(String node, String name) {
        String whole = node.replaceFirst("\\(\\d+\\)$", "");
        String step = whole.substring(whole.lastIndexOf('.') + 1);
        String stepIndexed = node.substring(Math.max(0, whole.lastIndexOf('.') + 1));
        return node.equals(name) || whole.equals(name) || step.equals(name) || stepIndexed.equals(name);
    }

    private static String seconds(java.time.Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String parameters(Map<String, String> defaults) {
        if (defaults.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        defaults.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(v == null ? "" : " (" + v + ")"));
        return s.toString();
    }
}

package floe.jobs;

import floe.model.Workflow;
import floe.run.EmbeddedRunner;
import floe.run.ProgressListener;
import floe.run.RunResult;

import org.apache.flink.configuration.Configuration;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-task overhead: many tiny tasks end to end, each program in a fresh JVM or shell. Command
 * tasks ({@code true} through an Argo {@code withSequence}) beside {@code xargs -P cores}, and Java
 * no-op tasks through the Java API.
 */
public final class Overhead {
    private final PrintWriter out;

    public Overhead(PrintWriter out) {
        this.out = out;
    }

    /** Runs {@code tasks} no-op Java tasks on an embedded Flink (the child-JVM side of the benchmark). */
    public static RunResult javaNoops(int tasks) {
        Workflow wf = Workflow.named("noop").stage("noop", s -> s.withSequence(tasks).run(ctx -> {})).build();
        try (EmbeddedRunner flink = EmbeddedRunner.start(new Configuration())) {
            return flink.run(wf, ProgressListener.none());
        }
    }

    public void run(int commandTasks, int javaTasks, int rounds) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("floe-overhead");
        Path spec = dir.resolve("overhead.yaml");
        Files.writeString(spec, String.join("\n",
                "apiVersion: argoproj.io/v1alpha1",
                "kind: Workflow",
                "metadata:",
                "  name: overhead",
                "spec:",
                "  entrypoint: main",
                "  templates:",
                "    - name: main",
                "      steps:",
                "        - - name: noop",
                "            template: noop",
                "            withSequence:",
                "              count: \"" + commandTasks + "\"",
                "    - name: noop",
                "      container:",
                "        image: busybox",
                "        command: [\"true\"]",
                ""));
        // Alternated, so that a machine whose speed drifts within minutes weighs on both alike.
        double[] floe = new double[rounds];
        double[] xargs = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            floe[r] = ChildJvm.time(java("run", spec.toString(), "-D", "floe.progress=false", "-D", "floe.warm=false",
                    "-D", "floe.task.log-dir=" + dir.resolve("logs-" + r)), Map.of());
            xargs[r] = ChildJvm.time(List.of("sh", "-c", "seq " + commandTasks + " | xargs -P " + cores + " -n 1 true"), Map.of());
            ratios[r] = floe[r] / xargs[r];
        }
        double java = ChildJvm.time(java("baseline", "--kind", "noop-java", "--tasks", Integer.toString(javaTasks), "--input", "-", "--work", "-", "--output", "-"), Map.of());
        out.printf("per-task overhead, %d cores, %d rounds alternated (medians)%n", cores, rounds);
        out.printf("  %,d command tasks (true) with floe run : %6.2f s  (%.2f ms a task)   runs: %s%n", commandTasks, Bench.median(floe),
                Bench.median(floe) * 1000 / commandTasks, seconds(floe));
        out.printf("  the same with xargs -P %d            : %6.2f s  (floe / xargs = %.2f, rounds %s)   runs: %s%n", cores, Bench.median(xargs),
                Bench.median(ratios), seconds(ratios), seconds(xargs));
        out.printf("  %,d Java no-op tasks, Java API      : %6.2f s  (%.3f ms a task)%n", javaTasks, java, java * 1000 / javaTasks);
        out.flush();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String seconds(double[] values) {
        return java.util.Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private static List<String> java(String... args) {
        return ChildJvm.floe(List.of(args));
    }
}

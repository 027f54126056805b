package floe.jobs;

import floe.connectors.merge.Manifest;

import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The benchmark: the reference case end to end with Floe (a fresh JVM running {@code floe
 * tree-merge} on the embedded Flink, JVM and cluster start included) beside two framework-free
 * programs in fresh JVMs on the same inputs: the same tree on a thread pool as large as the
 * cores, and a one-pass merge in one thread. Each result is checked against the one-pass oracle.
 */
public final class Bench {
    /** A benchmark size: 128 files of {@code records} records. */
    public record Size(String name, int records) {
        static Size named(String name) {
            return switch (name) {
                case "S" -> new Size("S", 2_000);
                case "M" -> new Size("M", 50_000);
                case "L" -> new Size("L", 500_000);
                default -> throw new floe.SpecException("--sizes: unknown size '" + name + "' (use S, M or L)");
            };
        }
    }

    /** One program's runs at one size. */
    public record Measurement(String program, double[] seconds, long peakKib) {
        double median() {
            return Bench.median(seconds);
        }
    }

    /** The median of {@code values} (of an even count, the upper of the middle two). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static final int FILES = 128;
    /** The name of the other build's floe, when there is one. */
    static final String AGAINST = "floe-against";

    private final Path root;
    private final int repeat;
    private final PrintWriter out;
    /** Another build of Floe (its home) whose tree merge runs beside this build's; null for none. */
    private final java.nio.file.Path against;
    /**
     * Whether Floe also runs on the warm local Flink ({@code floe-warm}: {@code bin/floe} as a user types
     * it, which hands the command to the warm JVM); {@code floe} always starts its own JVM and Flink.
     */
    private final boolean warm;
    static final String WARM = "floe-warm";

    public Bench(Path root, int repeat, PrintWriter out) {
        this(root, repeat, out, null, false);
    }

    /**
     * A benchmark that also runs the tree merge of another build of Floe ({@code against}: a checkout
     * after {@code mvn package}), for a before/after ratio measured in one run on the same inputs.
     */
    public Bench(Path root, int repeat, PrintWriter out, java.nio.file.Path against, boolean warm) {
        this.root = root;
        this.repeat = repeat;
        this.out = out;
        this.against = against;
        this.warm = warm;
    }

    /**
     * A one-task workflow (an Argo container running {@code true}) end to end with a fresh JVM
     * each time, on an embedded Flink and on the warm one, beside starting {@code true} itself.
     */
    /** The Argo workflow of one task running {@code true}, named {@code name}: what the one-task figures time, and what {@code floe up} warms up with. */
    public static String oneTaskWorkflow(String name) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: %s}
                spec:
                  entrypoint: main
                  templates:
                    - name: main
                      container: {image: busybox, command: ["true"]}
                """.formatted(name);
    }

    public void oneTask() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(root.toUri()).resolve("one-task");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path spec = dir.resolve("one-task.yaml");
        java.nio.file.Files.writeString(spec, oneTaskWorkflow("one-task"));
        String[] names = {"floe", WARM, "true"};
        double[][] seconds = new double[names.length][repeat];
        for (int r = 0; r < repeat; r++) {
            for (int i = 0; i < names.length; i++) {
                int p = r % 2 == 0 ? i : names.length - 1 - i;
                List<String> cmd = switch (names[p]) {
                    case "floe" -> ChildJvm.floe(List.of("run", "-D", "floe.warm=false", "-D", "floe.progress=false", spec.toString()));
                    case WARM -> ChildJvm.script(List.of("run", "-D", "floe.progress=false", spec.toString()));
                    default -> List.of("true");
                };
                seconds[p][r] = ChildJvm.time(cmd, names[p].equals(WARM) ? ChildJvm.scriptEnv() : Map.of());
            }
        }
        out.printf("one-task workflow (container running true), end to end:%n");
        for (int p = 0; p < names.length; p++) {
            out.printf("  %-10s %8.3f s   runs: %s%n", names[p], new Measurement(names[p], seconds[p], 0).median(), Arrays.toString(seconds[p]));
        }
        out.println();
        out.flush();
    }

    public List<Measurement> run(String sizeName) throws Exception {
        Size size = Size.named(sizeName);
        Path dir = new Path(root, size.name());
        Path input = Layout.level(dir, 0);
        out.printf("size %s: %d files x %d records, snappy, seed 42 -> %s%n", size.name(), FILES, size.records(), input);
        out.flush();
        new InputGenerator(FILES, size.records(), InputGenerator.defaultKeys(size.records()), 42, "snappy")
                .writeTo(input, Runtime.getRuntime().availableProcessors());
        Manifest oracle = Verifier.oracle(TreeMerge.listInputs(input));
        List<String> programs = new ArrayList<>(List.of("floe", "hand-tree", "one-pass"));
        if (against != null) {
            programs.add(1, AGAINST);
        }
        if (warm) {
            programs.add(1, WARM);
        }
        double[][] seconds = new double[programs.size()][repeat];
        long[] peak = new long[programs.size()];
        // Round by round, every program once a round, every other round in reverse order: a
        // machine that gets busier or quieter meanwhile weighs on all of them alike.
        for (int r = 0; r < repeat; r++) {
            for (int i = 0; i < programs.size(); i++) {
                int p = r % 2 == 0 ? i : programs.size() - 1 - i;
                String program = programs.get(p);
                Path work = new Path(dir, program + "-work");
                Path output = new Path(dir, program + "-output");
                clean(work);
                clean(output);
                long[] peakKib = new long[1];
                seconds[p][r] = runChild(program, input, work, output, peakKib);
                peak[p] = Math.max(peak[p], peakKib[0]);
                Manifest got = Manifest.read(new Path(output, Manifest.NAME));
                if (!got.equals(oracle)) {
                    throw new IllegalStateException(program + " gave a wrong result at size " + size.name() + ": " + got);
                }
            }
        }
        List<Measurement> results = new ArrayList<>();
        for (int p = 0; p < programs.size(); p++) {
            results.add(new Measurement(programs.get(p), seconds[p], peak[p]));
        }
        print(size, oracle.records(), results);
        return results;
    }

    private void print(Size size, long records, List<Measurement> results) {
        double hand = measurement(results, "hand-tree").median();
        double onePass = measurement(results, "one-pass").median();
        out.printf("%-10s %10s %14s %10s %12s %12s%n", "program", "wall (s)", "records/s", "peak MiB", "vs hand-tree", "vs one-pass");
        for (Measurement m : results) {
            out.printf("%-10s %10.2f %14.0f %10d %12.2f %12.2f   runs: %s%n", m.program(), m.median(), records / m.median(),
                    m.peakKib() / 1024, m.median() / hand, m.median() / onePass, Arrays.toString(m.seconds()));
        }
        if (against != null) {
            out.printf("floe / %s (%s): %.3f (medians %.2f s / %.2f s)%n", AGAINST, against,
                    measurement(results, "floe").median() / measurement(results, AGAINST).median(),
                    measurement(results, "floe").median(), measurement(results, AGAINST).median());
        }
        out.println();
        out.flush();
    }

    private static Measurement measurement(List<Measurement> results, String program) {
        return results.stream().filter(m -> m.program().equals(program)).findFirst().orElseThrow();
    }

    private double runChild(String program, Path input, Path work, Path output, long[] peakKib) throws Exception {
        File peakFile = File.createTempFile("floe-peak", ".txt");
        try {
            List<String> args = new ArrayList<>(program.equals(WARM) ? List.of("tree-merge", "-D", "floe.progress=false")
                    : program.startsWith("floe") ? List.of("tree-merge", "-D", "floe.progress=false", "-D", "floe.warm=false")
                    : List.of("baseline", "--kind", program));
            args.addAll(List.of("--input", input.toString(), "--work", work.toString(), "--output", output.toString()));
            List<String> cmd = program.equals(AGAINST) ? ChildJvm.floeOf(against, args)
                    : program.equals(WARM) ? ChildJvm.script(args) : ChildJvm.floe(args);
            Map<String, String> env = new java.util.HashMap<>(program.equals(WARM) ? ChildJvm.scriptEnv() : Map.of());
            env.put(PeakMemory.ENV, peakFile.getPath());
            double seconds = ChildJvm.time(cmd, env);
            String peak = Files.readString(peakFile.toPath()).trim();
            peakKib[0] = peak.isEmpty() ? -1 : Long.parseLong(peak);
            return seconds;
        } finally {
            peakFile.delete();
        }
    }

    private static void clean(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        if (fs.exists(dir)) {
            fs.delete(dir, true);
        }
    }
}

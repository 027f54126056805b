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
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    private static final int FILES = 128;
    private static final String[] PROGRAMS = {"floe", "hand-tree", "one-pass"};

    private final Path root;
    private final int repeat;
    private final PrintWriter out;

    public Bench(Path root, int repeat, PrintWriter out) {
        this.root = root;
        this.repeat = repeat;
        this.out = out;
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
        List<Measurement> results = new ArrayList<>();
        for (String program : PROGRAMS) {
            double[] seconds = new double[repeat];
            long peak = 0;
            for (int r = 0; r < repeat; r++) {
                Path work = new Path(dir, program + "-work");
                Path output = new Path(dir, program + "-output");
                clean(work);
                clean(output);
                long[] peakKib = new long[1];
                seconds[r] = runChild(program, input, work, output, peakKib);
                peak = Math.max(peak, peakKib[0]);
                Manifest got = Manifest.read(new Path(output, Manifest.NAME));
                if (!got.equals(oracle)) {
                    throw new IllegalStateException(program + " gave a wrong result at size " + size.name() + ": " + got);
                }
            }
            results.add(new Measurement(program, seconds, peak));
        }
        print(size, oracle.records(), results);
        return results;
    }

    private void print(Size size, long records, List<Measurement> results) {
        double hand = results.get(1).median();
        double onePass = results.get(2).median();
        out.printf("%-10s %10s %14s %10s %12s %12s%n", "program", "wall (s)", "records/s", "peak MiB", "vs hand-tree", "vs one-pass");
        for (Measurement m : results) {
            out.printf("%-10s %10.2f %14.0f %10d %12.2f %12.2f   runs: %s%n", m.program(), m.median(), records / m.median(),
                    m.peakKib() / 1024, m.median() / hand, m.median() / onePass, Arrays.toString(m.seconds()));
        }
        out.println();
        out.flush();
    }

    private double runChild(String program, Path input, Path work, Path output, long[] peakKib) throws Exception {
        File peakFile = File.createTempFile("floe-peak", ".txt");
        try {
            List<String> args = new ArrayList<>(program.equals("floe")
                    ? List.of("tree-merge", "-D", "floe.progress=false") : List.of("baseline", "--kind", program));
            args.addAll(List.of("--input", input.toString(), "--work", work.toString(), "--output", output.toString()));
            double seconds = ChildJvm.time(ChildJvm.floe(args), Map.of(PeakMemory.ENV, peakFile.getPath()));
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

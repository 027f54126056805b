package floe.service.testutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reference case's inputs as the example scripts read them (sorted Metric CSV under
 * {@code level-0/}), and the one-pass merge of them the result must equal.
 */
public final class MetricCsv {
    private MetricCsv() {}

    /** {@code files} files of {@code records} records each, keys drawn from 50 x records keys, values exact in binary. */
    public static void generate(Path volume, int files, int records, long seed) throws IOException {
        Path level0 = Files.createDirectories(volume.resolve("level-0"));
        Random random = new Random(seed);
        int keySpace = 50 * records;
        for (int f = 0; f < files; f++) {
            TreeSet<Integer> keys = new TreeSet<>();
            while (keys.size() < records) {
                keys.add(random.nextInt(keySpace));
            }
            StringBuilder out = new StringBuilder();
            for (int k : keys) {
                double a = random.nextInt(1024 * 1000) / 1024.0;
                double b = random.nextInt(1024 * 1000) / 1024.0;
                out.append(String.format("k%08d,%d,%s,%s,%s%n", k, 1, Double.toString(a), Double.toString(Math.min(a, b)),
                        Double.toString(Math.max(a, b))));
            }
            Files.writeString(level0.resolve(String.format("part-%05d.csv", f)), out.toString());
        }
    }

    /** key -> {count, sum, min, max} over every file of {@code dir}. */
    public static Map<String, List<Double>> merged(Path dir) throws IOException {
        Map<String, List<Double>> out = new TreeMap<>();
        List<Path> files;
        try (var listed = Files.list(dir)) {
            files = listed.filter(p -> p.getFileName().toString().endsWith(".csv")).toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                String[] v = line.split(",");
                List<Double> r = List.of(Double.parseDouble(v[1]), Double.parseDouble(v[2]), Double.parseDouble(v[3]),
                        Double.parseDouble(v[4]));
                out.merge(v[0], r, (x, y) -> List.of(x.get(0) + y.get(0), x.get(1) + y.get(1), Math.min(x.get(2), y.get(2)),
                        Math.max(x.get(3), y.get(3))));
            }
        }
        return out;
    }

    /** The lines of one result file as key -> {count, sum, min, max}, in file order. */
    public static List<Map.Entry<String, List<Double>>> read(Path file) throws IOException {
        List<Map.Entry<String, List<Double>>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] v = line.split(",");
            out.add(Map.entry(v[0], List.of(Double.parseDouble(v[1]), Double.parseDouble(v[2]), Double.parseDouble(v[3]),
                    Double.parseDouble(v[4]))));
        }
        return out;
    }
}

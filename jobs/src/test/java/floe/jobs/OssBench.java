package floe.jobs;

import floe.testutils.oss.OssFault;
import floe.testutils.oss.OssOperation;
import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reference case through an OSS endpoint beside local disk, in the same run: each merge a
 * fresh JVM running {@code floe tree-merge} (as {@link Bench} runs Floe), the OSS side against a
 * {@link TestingOssServer} on this machine, whose request counts and bytes say where the time goes.
 * Every result is verified. Run by {@code bin/floe-bench-oss [S,M] [repeat] [dir] [latency ms]
 * [KEY=VALUE,...]}: a latency is added to every request, as a network between Floe and OSS would;
 * the settings go to every merge (e.g. {@code floe.embedded.slots=8}).
 */
public final class OssBench {
    private static final int TASKS = 64 + 32 + 1;
    private static final String PART_SIZE = Integer.toString(8 << 20);

    private OssBench() {}

    public static void main(String[] args) throws Exception {
        List<String> sizes = Arrays.asList((args.length > 0 ? args[0] : "S,M").split(","));
        int repeat = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Path.of(args.length > 2 ? args[2] : "target/floe-bench-oss").toAbsolutePath();
        int latencyMillis = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        List<String> settings = args.length > 4 ? Arrays.asList(args[4].split(",")) : List.of();
        System.out.printf("machine: %d cores, %s %s; load %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        try (TestingOssServer oss = TestingOssServer.start(root.resolve("oss"), TestingOss.KEY_ID, TestingOss.SECRET, "bench")) {
            Map<String, String> env = Map.of("OSS_ENDPOINT", oss.endpoint(), "OSS_ACCESS_KEY_ID", TestingOss.KEY_ID,
                    "OSS_ACCESS_KEY_SECRET", TestingOss.SECRET);
            if (latencyMillis > 0) {
                // A real OSS endpoint is a network away: every request waits as long before its answer.
                oss.inject(OssFault.delay(java.time.Duration.ofMillis(latencyMillis)).times(Integer.MAX_VALUE));
            }
            System.out.printf("OSS endpoint %s (testing server, objects on local disk, %d ms added to every request),"
                    + " multipart part size %s bytes%n", oss.endpoint(), latencyMillis, PART_SIZE);
            for (String name : sizes) {
                Bench.Size size = Bench.Size.named(name);
                String records = Integer.toString(size.records());
                File local = root.resolve(name + "-local").toFile();
                ChildJvm.time(ChildJvm.floe(List.of("generate", "--out", local.getPath(), "--records", records, "--seed", "42")), env);
                ChildJvm.time(ChildJvm.floe(List.of("generate", "--out", "oss://bench/" + name, "--records", records, "--seed", "42",
                        "-D", "fs.oss.multipart.upload.size=" + PART_SIZE)), env);
                double[] disk = new double[repeat];
                double[] remote = new double[repeat];
                Map<OssOperation, Long> counts = null;
                long in = 0;
                long out = 0;
                for (int r = 0; r < repeat; r++) {
                    disk[r] = ChildJvm.time(merge(local.getPath() + "/level-0", local.getPath() + "/work", local.getPath() + "/out", settings), env);
                    oss.resetStats();
                    remote[r] = ChildJvm.time(merge("oss://bench/" + name + "/level-0", "oss://bench/" + name + "-work",
                            "oss://bench/" + name + "-out", settings), env);
                    counts = oss.requestCounts();
                    in = oss.bytesIn();
                    out = oss.bytesOut();
                    ChildJvm.time(ChildJvm.floe(List.of("verify", "--input", "oss://bench/" + name + "/level-0",
                            "--result", "oss://bench/" + name + "-out")), env);
                }
                double d = median(disk);
                double o = median(remote);
                System.out.printf("size %s (128 x %s records): local disk %.2f s, OSS %.2f s, OSS / disk %.2f (runs: disk %s, OSS %s)%n",
                        name, records, d, o, o / d, Arrays.toString(disk), Arrays.toString(remote));
                long total = counts.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("  OSS requests of one run: %d (%.1f per task), uploaded %.1f MiB, downloaded %.1f MiB%n",
                        total, (double) total / TASKS, in / 1048576.0, out / 1048576.0);
                counts.forEach((op, n) -> System.out.printf("    %-28s %6d  %6.2f per task%n", op, n, (double) n / TASKS));
            }
        }
    }

    private static List<String> merge(String input, String work, String output, List<String> settings) {
        List<String> args = new ArrayList<>(List.of("tree-merge", "--input", input, "--work", work, "--output", output,
                "--overwrite", "-D", "floe.progress=false", "-D", "fs.oss.multipart.upload.size=" + PART_SIZE));
        settings.forEach(kv -> args.addAll(List.of("-D", kv)));
        return ChildJvm.floe(args);
    }

    private static double median(double[] s) {
        double[] c = s.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}

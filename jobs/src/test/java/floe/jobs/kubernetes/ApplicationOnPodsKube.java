package floe.jobs.kubernetes;

import floe.jobs.FloeRun;
import floe.jobs.ReferenceData;
import floe.jobs.kubernetes.kubelet.KubeletCluster;
import floe.jobs.kubernetes.kubelet.TestingKubelet.PodEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference case ({@code process-data.yaml}: 64 -> 32 -> 1 command tasks over the CSV tree)
 * submitted with {@code floe submit --target kubernetes-application}, on pods the test kubelet runs
 * as local processes: Flink's JobManager starts from its Deployment, asks for TaskManager pods as
 * the stages need slots, the result is the embedded run's byte for byte, and the cluster removes
 * itself when the workflow ends, leaving no object and no process.
 */
class ApplicationOnPodsKube {
    static final Path WORKFLOW = KubeletCluster.HOME.resolve("conf/examples/process-data/process-data.yaml");

    @TempDir
    Path tmp;

    /** At most two TaskManagers of 2 slots; idle ones go after 3 s. */
    static final Map<String, String> SMALL = Map.of(
            "slotmanager.number-of-slots.max", "4",
            "resourcemanager.taskmanager-timeout", "3 s",
            "taskmanager.memory.process.size", "1200m",
            "taskmanager.memory.task.off-heap.size", "128m",
            "taskmanager.memory.network.min", "64m",
            "taskmanager.memory.network.max", "64m");

    @Test
    void theReferenceCaseRunsOnTaskManagerPodsAndTheClusterRemovesItself() throws Exception {
        ReferenceData data = ReferenceData.generate(tmp.resolve("data").toFile(), 100);
        Path embedded = copyInputs(data.volume().toPath(), tmp.resolve("embedded"));

        Path volume = data.volume().toPath();
        try (KubeletCluster cluster = KubeletCluster.start(KubeletCluster.logDir("application"), volume)) {
            Instant submitted = Instant.now();
            FloeRun submit = cluster.submit("kubernetes-application", "refcase", WORKFLOW, SMALL,
                    "--volume", "workdir=/mnt/vol", "--image-dir", "/opt/floe/process-data");
            assertThat(submit.exitCode()).as(() -> submit.err() + "\n" + cluster.kubelet.problems() + "\n" + cluster.kubelet.events()
                    + "\n" + logs(cluster)).isZero();
            assertThat(submit.out()).contains("application cluster 'refcase' created in namespace 'batch' (image floe:test)");

            Path success = volume.resolve("result/_SUCCESS");
            cluster.await("the result", Duration.ofMinutes(10), () -> Files.exists(success) || jobManagerGone(cluster));
            Instant result = Instant.now();
            cluster.await("the cluster to remove itself", Duration.ofMinutes(2), () -> cluster.kube.objects().isEmpty()
                    && cluster.kubelet.runningPods().isEmpty());
            Instant gone = Instant.now();

            assertThat(cluster.kubelet.problems()).isEmpty();
            assertThat(success).as(logs(cluster)).exists();
            assertResultIsTheEmbeddedRuns(data, embedded);

            List<PodEvent> events = cluster.kubelet.events();
            List<String> taskManagers = events.stream().filter(e -> e.component().equals("taskmanager") && e.what().equals("running"))
                    .map(PodEvent::pod).toList();
            assertThat(taskManagers).as(events.toString()).isNotEmpty().hasSizeLessThanOrEqualTo(2)
                    .allMatch(p -> p.startsWith("refcase-taskmanager-"));
            assertThat(events).filteredOn(e -> e.component().equals("jobmanager") && e.what().equals("running")).hasSize(1);
            System.out.println(timeline("application refcase", submitted, result, gone, events));
            cluster.assertNoProcessLeft();
        }
    }

    /**
     * The result on the pods' volume is byte for byte what {@code floe run} of the same workflow
     * writes on the embedded Flink over {@code embedded} (a copy of the inputs), and the scripts'
     * manifest is the native tree merge's.
     */
    static void assertResultIsTheEmbeddedRuns(ReferenceData data, Path embedded) throws IOException {
        FloeRun local = FloeRun.of("run", WORKFLOW.toString(), "--volume", "workdir=" + embedded);
        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(Files.readAllBytes(data.volume().toPath().resolve("result/result.csv")))
                .isEqualTo(Files.readAllBytes(embedded.resolve("result/result.csv")));
        assertThat(data.scriptsManifest()).isEqualTo(data.nativeManifest());
    }

    /** How many parts ({@code part-N.csv}) a level's directory holds so far. */
    static int parts(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().matches("part-\\d+\\.csv")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean jobManagerGone(KubeletCluster cluster) {
        return cluster.kubelet.events().stream().anyMatch(e -> e.component().equals("jobmanager")
                && (e.what().startsWith("succeeded") || e.what().startsWith("failed") || e.what().equals("deleted")));
    }

    static String timeline(String what, Instant submitted, Instant result, Instant gone, List<PodEvent> events) {
        StringBuilder s = new StringBuilder("timeline of " + what + " (seconds after submit)\n");
        for (PodEvent e : events) {
            s.append(String.format("  %7.2f  %-40s %-12s %s%n", secondsBetween(submitted, e.at()), e.pod(), e.component(), e.what()));
        }
        s.append(String.format("  %7.2f  result%n", secondsBetween(submitted, result)));
        s.append(String.format("  %7.2f  cluster gone%n", secondsBetween(submitted, gone)));
        return s.toString();
    }

    static double secondsBetween(Instant a, Instant b) {
        return Duration.between(a, b).toMillis() / 1000.0;
    }

    static String logs(KubeletCluster cluster) {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.walk(cluster.kubelet.podDir(""), 2)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("container.log")).toList()) {
                List<String> lines = Files.readAllLines(f);
                s.append("--- ").append(f).append('\n');
                lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append(e);
        }
        return s.toString();
    }

    /** The generated level-0 inputs, copied to a volume of their own. */
    static Path copyInputs(Path volume, Path to) throws IOException {
        Path from = volume.resolve("level-0");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve("level-0").resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}

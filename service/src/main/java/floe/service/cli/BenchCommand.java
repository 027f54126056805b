package floe.service.cli;

import floe.service.BatchClient;
import floe.service.BatchService;
import floe.service.BatchServiceOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code floe batch bench}: SubmitJob throughput and submit-to-RUNNING latency on a service of its
 * own (embedded database and Flink, in this JVM), for many single-task jobs and for one large
 * array job. Every job runs {@code true}; the figures come from the jobs' own createdAt,
 * startedAt and stoppedAt. The service signs with a random secret of this run: it listens on a
 * real port, and a fixed secret would be everyone's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure SubmitJob throughput and submit-to-RUNNING latency (prints figures).")
final class BenchCommand implements Callable<Integer> {
    private static final String KEY = "bench-key";

    @Option(names = "--jobs", defaultValue = "1000", description = "Single-task jobs to submit (default 1000).")
    int jobs;

    @Option(names = "--array-size", defaultValue = "10000", description = "Children of the array job (default 10000).")
    int arraySize;

    @Option(names = "--clients", defaultValue = "4", description = "Clients submitting at once (default 4).")
    int clients;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink, Floe or floe.batch.* setting (repeatable; secrets refused).")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cli;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = cli.commandLine().getOut();
        Path data = Files.createTempDirectory("floe-batch-bench");
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, data.toString());
        ServeCommand.refuseSecrets(settings);
        settings.forEach(conf::setString);
        // A real service listens on a port: its secret is this run's own, never a fixed (public) one.
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String secret = java.util.HexFormat.of().formatHex(random);
        try (BatchService service = BatchService.start(conf, Map.of(), KEY, secret)) {
            BatchClient batch = BatchClient.of(service.endpoint(), KEY, secret);
            ObjectNode definition = JsonFile.JSON.createObjectNode();
            definition.put("jobDefinitionName", "true").put("type", "container");
            definition.putObject("containerProperties").put("image", "busybox").putArray("command").add("true");
            batch.call("registerjobdefinition", definition);

            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<Future<String>> submitted = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int n = i;
                submitted.add(pool.submit(() -> batch.call("submitjob", job("single-" + n)).get("jobId").asText()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : submitted) {
                ids.add(f.get());
            }
            double submitSeconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            List<JsonNode> done = awaitAll(batch, ids);
            double allSeconds = (System.nanoTime() - start) / 1e9;
            out.printf("%d single-task jobs, %d clients: SubmitJob %.0f jobs/s (%.2f s for all; AWS Batch's quota: 50/s)%n",
                    jobs, clients, jobs / submitSeconds, submitSeconds);
            out.printf("  submit -> RUNNING: %s; all SUCCEEDED after %.1f s (%.1f jobs/s run)%n", latencies(done), allSeconds,
                    jobs / allSeconds);

            ObjectNode array = job("array");
            array.putObject("arrayProperties").put("size", arraySize);
            long arrayStart = System.nanoTime();
            String arrayId = batch.call("submitjob", array).get("jobId").asText();
            double arraySubmit = (System.nanoTime() - arrayStart) / 1e9;
            JsonNode arrayJob = awaitAll(batch, List.of(arrayId)).get(0);
            out.printf("array job of %d children: SubmitJob %.3f s; submit -> RUNNING %d ms; all SUCCEEDED after %.1f s%n",
                    arraySize, arraySubmit, arrayJob.get("startedAt").asLong() - arrayJob.get("createdAt").asLong(),
                    (System.nanoTime() - arrayStart) / 1e9);
            out.flush();
        }
        return 0;
    }

    private static ObjectNode job(String name) {
        ObjectNode job = JsonFile.JSON.createObjectNode();
        job.put("jobName", name).put("jobQueue", "default").put("jobDefinition", "true");
        return job;
    }

    private static List<JsonNode> awaitAll(BatchClient batch, List<String> ids) throws InterruptedException {
        List<JsonNode> done = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 100) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 100));
            while (true) {
                ObjectNode request = JsonFile.JSON.createObjectNode();
                chunk.forEach(request.putArray("jobs")::add);
                List<JsonNode> jobs = new ArrayList<>();
                batch.call("describejobs", request).get("jobs").forEach(jobs::add);
                if (jobs.stream().allMatch(j -> j.get("status").asText().equals("SUCCEEDED") || j.get("status").asText().equals("FAILED"))) {
                    if (jobs.stream().anyMatch(j -> j.get("status").asText().equals("FAILED"))) {
                        throw new floe.FloeException("a benchmark job failed: " + jobs);
                    }
                    done.addAll(jobs);
                    break;
                }
                Thread.sleep(200);
            }
        }
        return done;
    }

    private static String latencies(List<JsonNode> jobs) {
        List<Long> ms = new ArrayList<>();
        jobs.forEach(j -> ms.add(j.get("startedAt").asLong() - j.get("createdAt").asLong()));
        Collections.sort(ms);
        return String.format("median %d ms, p95 %d ms, max %d ms", ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.95)),
                ms.get(ms.size() - 1));
    }
}

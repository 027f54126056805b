package floe.service.argo;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;
import floe.testing.Chromium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.configuration.Configuration;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The figures of {@code floe server}, each beside a yardstick measured in the same run (and Argo's
 * published figures, printed as such). Run by {@code bin/floe-bench-server [--workflows 1000]
 * [--clients 4] [--page-tasks 10000] [--parts throughput,steps,page] [-D KEY=VALUE ...]} (--parts burst: only
 * the 1,000 at once, no yardsticks, for a before/after of a setting):
 * <ol>
 *   <li>throughput: one-step workflows ({@code true}) submitted through Argo's API over HTTP with a
 *       bearer token, as the argo CLI does, by a few clients at once, to a server on the embedded
 *       Flink in this JVM; submitted-to-Running and submitted-to-Succeeded as a client watching
 *       {@code workflow-events} sees them, and workflows a minute end to end; then 300 more at
 *       Argo's published maximum rate (270 a minute), whose latencies are the server's, not a
 *       queue's. Beside it: the same commands run by {@code xargs -P cores}, and as one
 *       {@code floe run} of a loop of as many tasks;</li>
 *   <li>steps: a 10-step steps workflow of {@code true}, the time from a step's end to the next
 *       step's start, from the task records the run page reads;</li>
 *   <li>page: the run page of a run of {@code --page-tasks} tasks and of a 10-task run, opened
 *       alternately in headless Chromium: time from the navigation to the graph drawn (the page's
 *       {@code data-drawn-ms}).</li>
 * </ol>
 * No part asserts a time: it prints figures for docs/benchmarks.md.
 */
public final class ServerBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "argo";
    /** Argo's published figures: docs/benchmarks.md cites where. */
    private static final double ARGO_WORKFLOWS_PER_MINUTE = 270;

    private final PrintStream out = System.out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final Path dir;
    private final Path floeHome;
    private URI base;
    private String token;

    private ServerBench(Path dir, Path floeHome) {
        this.dir = dir;
        this.floeHome = floeHome;
    }

    public static void main(String[] args) throws Exception {
        int workflows = 1000;
        int clients = 4;
        int pageTasks = 10_000;
        List<String> parts = List.of("throughput", "steps", "page");
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--workflows" -> workflows = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--page-tasks" -> pageTasks = Integer.parseInt(args[++i]);
                case "--parts" -> parts = List.of(args[++i].split(","));
                case "-D" -> {
                    if (v == null || !v.contains("=")) {
                        throw new IllegalArgumentException("-D needs KEY=VALUE");
                    }
                    String[] kv = v.split("=", 2);
                    settings.put(kv[0], kv[1]);
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (--workflows N, --clients N, --page-tasks N, --parts throughput|burst,steps,page, -D KEY=VALUE)");
            }
        }
        // As every Floe command line: a secret given with -D would show in ps.
        floe.run.SecretSettings.refuseOnCommandLine(settings);
        Path dir = Files.createTempDirectory("floe-server-bench");
        Path home = Path.of(System.getProperty("floe.home", ".")).toAbsolutePath();
        new ServerBench(dir, home).run(workflows, clients, pageTasks, parts, settings);
        System.exit(0);
    }

    private void run(int workflows, int clients, int pageTasks, List<String> parts, Map<String, String> settings) throws Exception {
        out.printf("machine: %d cores, %s %s, max heap %d MiB; load %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, load());
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        conf.setString("floe.task.log-dir", dir.resolve("task-logs").toString());
        settings.forEach(conf::setString);
        // The server listens on a real port: its token and Batch secret are this run's own, never fixed (public) ones.
        token = randomHex();
        String given = NS + ":" + token;
        long serverStart = System.nanoTime();
        try (BatchService server = BatchService.start(conf, Map.of(), "bench-key", randomHex(),
                shared -> ArgoServer.start(shared, Map.of(), dir.toString(), given))) {
            base = server.endpoint();
            out.printf("server: %s, started in %.1f s; settings %s%n", server.describe().replace('\n', ';'),
                    (System.nanoTime() - serverStart) / 1e9, settings);
            out.flush();
            if (parts.contains("throughput") || parts.contains("burst")) {
                throughput(workflows, clients, parts.contains("throughput"));
            }
            if (parts.contains("steps")) {
                steps();
            }
            if (parts.contains("page")) {
                page(pageTasks);
            }
        }
        out.printf("load at the end: %s%n", load());
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---------------------------------------------------------------- 1. throughput

    /** {@code all}: also the paced part and the yardsticks (else only the burst, for a before/after of a setting). */
    private void throughput(int count, int clients, boolean all) throws Exception {
        double xargsBefore = !all ? 0 : time(List.of("sh", "-c", "seq " + count + " | xargs -P " + Runtime.getRuntime().availableProcessors() + " -n 1 true"));
        Watch watch = new Watch();
        watch.start();
        // Warm-up: the first jobs on a fresh JVM compile the paths the others take; not counted.
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            warm.add(submit(oneStep("warm-" + i)));
        }
        watch.await(warm, Duration.ofMinutes(10));
        out.printf("%nthroughput: %,d one-step workflows (true), %d clients submitting through the Argo API (HTTP/1.1, bearer token)%n",
                count, clients);
        out.printf("  load before: %s%n", load());
        out.flush();
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        List<Long> postMillis = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<String> names = new ArrayList<>();
        List<Future<?>> posts = new ArrayList<>();
        long start = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            String name = String.format("one-%05d", i);
            names.add(name);
            posts.add(pool.submit(() -> {
                long t = System.currentTimeMillis();
                submitted.put(name, t);
                submit(oneStep(name));
                postMillis.add(System.currentTimeMillis() - t);
                return null;
            }));
        }
        for (Future<?> f : posts) {
            f.get();
        }
        long allSubmitted = System.currentTimeMillis();
        pool.shutdown();
        watch.await(names, Duration.ofHours(2));
        long end = names.stream().mapToLong(n -> watch.ended.get(n)).max().orElseThrow();
        double seconds = (end - start) / 1e3;
        double perMinute = count / seconds * 60;
        out.printf("  POST (submit) answered: %s; all %,d submitted after %.1f s%n", stats(postMillis), count, (allSubmitted - start) / 1e3);
        latencies(names, submitted, watch);
        out.printf("  end to end: %,d workflows in %.1f s = %.0f workflows a minute%n", count, seconds, perMinute);
        out.printf("  load after: %s%n", load());
        out.flush();
        if (!all) {
            watch.close();
            return;
        }

        // Paced: as Argo's increasing-rate test, workflows come at a steady rate; at a rate the
        // server keeps up with, submitted -> Running is the server's own latency, not a queue's.
        int paced = Math.min(count, 300);
        out.printf("%n  paced: %d more, one every %.0f ms (%.0f a minute, Argo's published maximum with its defaults)%n", paced,
                60_000 / ARGO_WORKFLOWS_PER_MINUTE, ARGO_WORKFLOWS_PER_MINUTE);
        out.flush();
        Map<String, Long> pacedAt = new ConcurrentHashMap<>();
        List<String> pacedNames = new ArrayList<>();
        ExecutorService pacer = Executors.newFixedThreadPool(clients);
        List<Future<?>> pacedPosts = new ArrayList<>();
        long pacedStart = System.currentTimeMillis();
        for (int i = 0; i < paced; i++) {
            String name = String.format("paced-%05d", i);
            pacedNames.add(name);
            long due = pacedStart + Math.round(i * 60_000 / ARGO_WORKFLOWS_PER_MINUTE);
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            pacedPosts.add(pacer.submit(() -> {
                pacedAt.put(name, System.currentTimeMillis());
                submit(oneStep(name));
                return null;
            }));
        }
        for (Future<?> f : pacedPosts) {
            f.get();
        }
        pacer.shutdown();
        watch.await(pacedNames, Duration.ofHours(1));
        latencies(pacedNames, pacedAt, watch);
        long pacedEnd = pacedNames.stream().mapToLong(n -> watch.ended.get(n)).max().orElseThrow();
        out.printf("  paced end to end: %d workflows in %.1f s (the last ended %.1f s after it was submitted)%n", paced,
                (pacedEnd - pacedStart) / 1e3, (pacedEnd - pacedAt.get(pacedNames.get(paced - 1))) / 1e3);
        watch.close();
        out.flush();

        double xargs = time(List.of("sh", "-c", "seq " + count + " | xargs -P " + Runtime.getRuntime().availableProcessors() + " -n 1 true"));
        Path loop = dir.resolve("loop.yaml");
        Files.writeString(loop, loopSpec(count));
        // Twice: the first run after a build records bin/floe's class-sharing archive, the second maps it.
        List<String> run = List.of(floeHome.resolve("bin/floe").toString(), "run", loop.toString(), "-D", "floe.progress=false",
                "-D", "floe.task.log-dir=" + dir.resolve("loop-logs"));
        double floeRun1 = time(run);
        double floeRun = Math.min(floeRun1, time(run));
        out.printf("  beside it, in the same run:%n");
        out.printf("    Argo's published default: about %.0f workflows a minute per controller (docs/benchmarks.md for the source)%n",
                ARGO_WORKFLOWS_PER_MINUTE);
        out.printf("    the %,d commands by xargs -P %d:                %7.2f s before the workflows, %.2f s after%n", count,
                Runtime.getRuntime().availableProcessors(), xargsBefore, xargs);
        out.printf("    one floe run of a loop of %,d tasks (fresh JVM): %7.2f s (of two runs; the first %.2f s)%n", count, floeRun, floeRun1);
        out.printf("    the server's cost a workflow beyond the loop's a task: %.0f ms (%.1f s / %,d - %.2f s / %,d)%n",
                (seconds - floeRun) * 1000 / count, seconds, count, floeRun, count);
        out.flush();
    }

    private void latencies(List<String> names, Map<String, Long> submitted, Watch watch) {
        List<Long> toRunning = new ArrayList<>();
        List<Long> toDone = new ArrayList<>();
        List<Long> running = new ArrayList<>();
        int failed = 0;
        for (String n : names) {
            long r = watch.running.getOrDefault(n, watch.ended.get(n));
            toRunning.add(r - submitted.get(n));
            toDone.add(watch.ended.get(n) - submitted.get(n));
            running.add(watch.ended.get(n) - r);
            failed += watch.phases.get(n).equals("Succeeded") ? 0 : 1;
        }
        out.printf("  submitted -> Running:   %s%n", stats(toRunning));
        out.printf("  submitted -> Succeeded: %s%n", stats(toDone));
        out.printf("  Running -> Succeeded:   %s%s%n", stats(running), failed == 0 ? "" : " (" + failed + " did not succeed)");
    }

    private static ObjectNode oneStep(String name) throws IOException {
        return (ObjectNode) JSON.readTree("""
                {"metadata": {"name": "%s", "labels": {"bench": "throughput"}},
                 "spec": {"entrypoint": "main", "templates": [
                   {"name": "main", "container": {"image": "busybox", "command": ["true"]}}]}}
                """.formatted(name));
    }

    private static String loopSpec(int count) {
        return String.join("\n", "apiVersion: argoproj.io/v1alpha1", "kind: Workflow", "metadata:", "  name: loop", "spec:",
                "  entrypoint: main", "  templates:", "    - name: main", "      steps:", "        - - name: noop",
                "            template: noop", "            withSequence:", "              count: \"" + count + "\"", "    - name: noop",
                "      container:", "        image: busybox", "        command: [\"true\"]", "");
    }

    // ---------------------------------------------------------------- 2. steps

    private void steps() throws Exception {
        out.printf("%nsteps: a steps workflow of 10 steps, each true, run alone; a step's end to the next step's start%n");
        Watch watch = new Watch();
        watch.start();
        List<Long> gaps = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            StringBuilder steps = new StringBuilder();
            for (int s = 1; s <= 10; s++) {
                steps.append(s > 1 ? "," : "").append("[{\"name\": \"s").append(s).append("\", \"template\": \"t\"}]");
            }
            String name = "steps-" + round;
            long t0 = System.currentTimeMillis();
            submit((ObjectNode) JSON.readTree("""
                    {"metadata": {"name": "%s"},
                     "spec": {"entrypoint": "main", "templates": [
                       {"name": "main", "steps": [%s]},
                       {"name": "t", "container": {"image": "busybox", "command": ["true"]}}]}}
                    """.formatted(name, steps)));
            watch.await(List.of(name), Duration.ofMinutes(30));
            long total = watch.ended.get(name) - t0;
            JsonNode state = get("/api/v1/workflows/" + NS + "/" + name + "/run-state");
            List<long[]> spans = new ArrayList<>();
            for (JsonNode stage : state.path("stages")) {
                JsonNode t = stage.path("t");
                if (t.path("s").size() != 1) {
                    continue;
                }
                long s = t.path("s").get(0).asLong();
                spans.add(new long[] {s, s + t.path("d").get(0).asLong()});
            }
            List<Long> these = new ArrayList<>();
            for (int i = 1; i < spans.size(); i++) {
                these.add(spans.get(i)[0] - spans.get(i - 1)[1]);
            }
            gaps.addAll(these);
            long busy = spans.stream().mapToLong(sp -> sp[1] - sp[0]).sum();
            out.printf("  round %d: %d steps, submitted -> Succeeded %.2f s; steps running %d ms in all; gaps (ms) %s%n", round + 1,
                    spans.size(), total / 1e3, busy, these);
            out.flush();
        }
        watch.close();
        out.printf("  a step's end -> the next step's start: %s%n", stats(gaps));
        double shell = time(List.of("sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done"));
        out.printf("  beside it: Argo's controller, up to about 10 s between steps (docs/benchmarks.md for the source);"
                + " the same 10 commands one after another in a shell: %.3f s%n", shell);
        out.flush();
    }

    // ---------------------------------------------------------------- 3. page

    private void page(int tasks) throws Exception {
        out.printf("%npage: a run's page in headless Chromium, a run of %,d tasks beside one of 10%n", tasks);
        Watch watch = new Watch();
        watch.start();
        String wide = "wide-" + tasks;
        String narrow = "narrow-10";
        long t0 = System.currentTimeMillis();
        submit(fanOut(wide, tasks));
        watch.await(List.of(wide), Duration.ofHours(2));
        out.printf("  the %,d-task run through the server: submitted -> %s %.1f s%n", tasks, watch.phases.get(wide),
                (watch.ended.get(wide) - t0) / 1e3);
        submit(fanOut(narrow, 10));
        watch.await(List.of(narrow), Duration.ofMinutes(30));
        watch.close();
        for (String name : List.of(narrow, wide)) {
            List<Long> ms = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < 5; i++) {
                long t = System.nanoTime();
                bytes = getText("/api/v1/workflows/" + NS + "/" + name + "/run-state").length();
                ms.add((System.nanoTime() - t) / 1_000_000);
            }
            out.printf("  GET run-state of %s: %,d bytes, %s%n", name, bytes, stats(ms));
        }
        Map<String, List<Long>> drawn = new LinkedHashMap<>();
        Map<String, List<Long>> painted = new LinkedHashMap<>();
        Map<String, List<Long>> loaded = new LinkedHashMap<>();
        ChromeDriver chrome = Chromium.start(dir.resolve("chromium-profile"));
        try {
            chrome.get(base + "/");
            chrome.executeScript("sessionStorage.setItem('floe.token', arguments[0]);", token);
            for (int round = 0; round < 5; round++) {
                for (String name : round % 2 == 0 ? List.of(narrow, wide) : List.of(wide, narrow)) {
                    chrome.get(base + "/workflows/" + NS + "/" + name);
                    long until = System.currentTimeMillis() + 120_000;
                    String d = null;
                    String p = null;
                    while (System.currentTimeMillis() < until && (d == null || p == null)) {
                        d = chrome.findElement(By.tagName("body")).getAttribute("data-drawn-ms");
                        p = chrome.findElement(By.tagName("body")).getAttribute("data-painted-ms");
                        Thread.sleep(20);
                    }
                    if (d == null) {
                        throw new IllegalStateException("the page of " + name + " drew no graph within 2 minutes");
                    }
                    if (!"Succeeded".equals(chrome.findElement(By.tagName("body")).getAttribute("data-phase"))
                            || chrome.findElements(By.cssSelector("#graph .node")).isEmpty()) {
                        throw new IllegalStateException("the page of " + name + " shows no succeeded graph");
                    }
                    long load = ((Number) chrome.executeScript("var t = performance.getEntriesByType('navigation')[0];"
                            + " return Math.round(t.loadEventEnd - t.startTime);")).longValue();
                    drawn.computeIfAbsent(name, k -> new ArrayList<>()).add(Long.parseLong(d));
                    if (p != null) {
                        painted.computeIfAbsent(name, k -> new ArrayList<>()).add(Long.parseLong(p));
                    }
                    loaded.computeIfAbsent(name, k -> new ArrayList<>()).add(load);
                }
            }
            chrome.get(base + "/workflows/" + NS + "/" + wide);
            Path shot = Path.of("target", "bench-page-" + tasks + ".png").toAbsolutePath();
            Files.createDirectories(shot.getParent());
            Thread.sleep(1000);
            Files.write(shot, chrome.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            out.printf("  screenshot: %s%n", shot);
        } finally {
            chrome.quit();
        }
        for (String name : List.of(narrow, wide)) {
            out.printf("  %-12s navigation -> graph drawn %s (each: %s); -> next frame %s; load event %s%n", name,
                    stats(drawn.get(name)), drawn.get(name), stats(painted.getOrDefault(name, List.of())), stats(loaded.get(name)));
        }
        out.printf("  (5 loads each, alternating, the first of each with a cold cache)%n");
        out.flush();
    }

    /** one step, then {@code tasks} tasks of a loop, then one: the shape of the reference workflow's loops. */
    private static ObjectNode fanOut(String name, int tasks) throws IOException {
        return (ObjectNode) JSON.readTree("""
                {"metadata": {"name": "%s"},
                 "spec": {"entrypoint": "main", "templates": [
                   {"name": "main", "steps": [
                     [{"name": "split", "template": "t"}],
                     [{"name": "work", "template": "t", "withSequence": {"count": "%d"}}],
                     [{"name": "join", "template": "t"}]]},
                   {"name": "t", "container": {"image": "busybox", "command": ["true"]}}]}}
                """.formatted(name, tasks));
    }

    // ---------------------------------------------------------------- the API

    private String submit(ObjectNode workflow) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("namespace", NS);
        body.set("workflow", workflow);
        HttpResponse<String> r = http.send(request("/api/v1/workflows/" + NS).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("submit: HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("metadata").path("name").asText();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(getText(path));
    }

    private String getText(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    /** A client watching the namespace's workflow-events (as {@code argo submit --watch}): when it saw each one Running and ended. */
    private final class Watch implements AutoCloseable {
        final Map<String, Long> running = new ConcurrentHashMap<>();
        final Map<String, Long> ended = new ConcurrentHashMap<>();
        final Map<String, String> phases = new ConcurrentHashMap<>();
        private volatile InputStream stream;
        private Thread reader;

        /** Opens the stream (its answer begins with the first event, so it is read on its own thread) and waits until it is surely open. */
        void start() throws InterruptedException {
            reader = new Thread(this::read, "bench-watch");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(1000);
        }

        private void read() {
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/workflow-events/" + NS
                                + "?fields=type,object.metadata.name,object.status.phase"))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("workflow-events: HTTP " + r.statusCode());
                }
                stream = r.body();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                return;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    JsonNode wf = JSON.readTree(line).path("result").path("object");
                    String name = wf.path("metadata").path("name").asText();
                    String phase = wf.path("status").path("phase").asText("");
                    if (phase.equals("Running")) {
                        running.putIfAbsent(name, now);
                    } else if (phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Error")) {
                        phases.putIfAbsent(name, phase);
                        ended.putIfAbsent(name, now);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        void await(List<String> names, Duration limit) throws Exception {
            long until = System.currentTimeMillis() + limit.toMillis();
            long report = System.currentTimeMillis() + 30_000;
            while (!ended.keySet().containsAll(names)) {
                if (System.currentTimeMillis() > until) {
                    throw new IllegalStateException("not ended within " + limit);
                }
                if (System.currentTimeMillis() > report && names.size() > 1) {
                    out.printf("    ... %,d of %,d ended; load %s%n", names.stream().filter(ended::containsKey).count(), names.size(), load());
                    out.flush();
                    report += 30_000;
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
            reader.interrupt();
        }
    }

    // ---------------------------------------------------------------- figures

    private double time(List<String> command) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(command + ": exit " + exit + ", " + Files.readString(dir.resolve("child.log")));
        }
        return seconds;
    }

    static String stats(List<Long> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        return String.format("median %,d ms, p95 %,d ms, max %,d ms", v.get(v.size() / 2), v.get((int) Math.ceil(v.size() * 0.95) - 1),
                v.get(v.size() - 1));
    }

    private static String randomHex() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}

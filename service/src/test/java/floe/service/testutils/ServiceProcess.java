package floe.service.testutils;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code floe batch serve} as a real process of its own (this test's classpath), for tests that
 * kill it: {@link #kill()} sends SIGKILL to it and to every process it started.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving the Batch API on (https?://\\S+)");

    private final Process process;
    private final URI endpoint;

    private ServiceProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts the service with these {@code serve} arguments and waits until it serves. */
    public static ServiceProcess start(File log, List<String> serveArgs) throws IOException {
        return start(log, List.of(), java.util.Map.of(), serveArgs);
    }

    /** As {@link #start(File, List)}, with these options for its JVM ({@code -Dfloe.exec.isolation=none}). */
    public static ServiceProcess start(File log, List<String> jvmOptions, List<String> serveArgs) throws IOException {
        return start(log, jvmOptions, java.util.Map.of(), serveArgs);
    }

    /** As above, with these variables added to the service's environment (its own secrets, say). */
    public static ServiceProcess start(File log, List<String> serveArgs, java.util.Map<String, String> env) throws IOException {
        return start(log, List.of(), env, serveArgs);
    }

    /** Starts the service with these JVM options and environment variables besides the credentials, and waits until it serves. */
    public static ServiceProcess start(File log, List<String> jvmOptions, java.util.Map<String, String> env, List<String> serveArgs)
            throws IOException {
        return start(log, jvmOptions, env, List.of("floe.service.cli.BatchCli", "serve"), serveArgs);
    }

    /** Starts {@code floe server} (the Argo API beside the Batch API) with these arguments and environment (its tokens), and waits until it serves. */
    public static ServiceProcess startServer(File log, java.util.Map<String, String> env, List<String> args) throws IOException {
        return start(log, List.of(), env, List.of("floe.service.cli.ServerCli"), args);
    }

    private static ServiceProcess start(File log, List<String> jvmOptions, java.util.Map<String, String> env, List<String> main,
            List<String> serveArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(main);
        command.addAll(List.of("--port", "0"));
        command.addAll(serveArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("FLOE_BATCH_ACCESS_KEY_ID", TestingBatch.ACCESS_KEY);
        pb.environment().put("FLOE_BATCH_SECRET_ACCESS_KEY", TestingBatch.SECRET_KEY);
        pb.environment().putAll(env);
        Process process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // What it prints (its log lines) goes to the log file too, after its standard error.
        java.io.PrintStream copy = new java.io.PrintStream(new java.io.FileOutputStream(log, true), true, StandardCharsets.UTF_8);
        String line;
        while ((line = out.readLine()) != null) {
            copy.println(line);
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(copy::println);
                    } catch (java.io.UncheckedIOException closed) {
                        // the process was killed
                    } finally {
                        copy.close();
                    }
                }, "service-stdout");
                drain.setDaemon(true);
                drain.start();
                return new ServiceProcess(process, URI.create(m.group(1)));
            }
        }
        copy.close();
        process.destroyForcibly();
        throw new IOException("the service ended before it served (exit " + waitFor(process) + "); see " + log);
    }

    public URI endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9 of the service and of every process under it, as a machine's crash would stop them. */
    public void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        waitFor(process);
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    /** kill -9 of the service's JVM alone, as the OOM killer would: the processes it started are not signalled. */
    public void killAlone() {
        process.destroyForcibly();
        waitFor(process);
    }

    /** A normal stop (SIGTERM), waiting for it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (waitFor(process) == null) {
                kill();
            }
        }
    }

    private static Integer waitFor(Process p) {
        try {
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

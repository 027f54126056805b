package floe.jobs.cli;

import floe.run.EmbeddedRunner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the warm local Flink runs before it takes its first command: a small tree merge and a
 * one-task workflow (a container running {@code true}), in a scratch directory removed after, as
 * {@code bin/floe} would hand them over. A fresh JVM's first job loads and compiles the code every
 * job runs (Flink's scheduling and deployment, the tasks, Avro, a process start): done here, the
 * user's first command after {@code floe up} runs as fast as the ones after it. Best effort: a
 * step that fails is logged and the Flink serves commands all the same.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    private WarmUp() {}

    /** Runs the warm-up commands on {@code flink}, with this JVM's environment, in a scratch directory under {@code warmDir}. */
    static void run(Path warmDir, EmbeddedRunner flink) {
        long start = System.nanoTime();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(warmDir, "warm-up-");
            Files.writeString(scratch.resolve("one-task.yaml"), floe.jobs.Bench.oneTaskWorkflow("floe-warm-up"));
            List<List<String>> commands = List.of(
                    List.of("generate", "--out", scratch.resolve("in").toString(), "--files", "16", "--records", "2000"),
                    List.of("tree-merge", "--input", "in/level-0", "--work", "work", "--output", "out", "--widths", "8,4,1"),
                    List.of("run", "-D", "floe.progress=false", "-D", "floe.task.log-dir=" + scratch.resolve("logs"), "one-task.yaml"));
            for (List<String> args : commands) {
                java.io.StringWriter err = new java.io.StringWriter();
                int rc = command(scratch, flink, args, new PrintWriter(err));
                if (rc != 0) {
                    LOG.info("Warm-up: floe {} ended with exit code {}; the warm-up stops there: {}", String.join(" ", args), rc,
                            err.toString().strip());
                    return;
                }
            }
            LOG.info("Warm-up done in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.info("Warm-up stopped: {}", e.toString());
        } finally {
            delete(scratch);
        }
    }

    private static int command(Path dir, EmbeddedRunner flink, List<String> args, PrintWriter err) {
        Map<String, String> env = System.getenv();
        String[] typed = args.toArray(String[]::new);
        return FloeCli.commandLine(Invocation.inWarmFlink(dir, env, false, flink), typed).setOut(new PrintWriter(Writer.nullWriter()))
                .setErr(err).execute(typed);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            org.apache.flink.util.FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            LOG.info("Warm-up: could not remove {}: {}", dir, e.toString());
        }
    }
}

package floe.jobs;

import floe.testutils.oss.TestingOss;
import floe.testutils.oss.TestingOssServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OSS run as bin/floe runs it: a fresh JVM, credentials and endpoint only in the environment,
 * the shipped logging configuration with everything turned up to DEBUG. No line of any log, of
 * stdout or of stderr holds the secret.
 */
class OssLogsITCase {
    @TempDir
    Path dir;

    record Outcome(int exit, List<Path> logs) {}

    private Outcome floe(TestingOssServer oss, String secret, String name, String... args) throws IOException, InterruptedException {
        Path logDir = Files.createDirectories(dir.resolve(name));
        String config = Files.readString(Path.of("../conf/log4j2-cli.properties"))
                .replace("rootLogger.level = INFO", "rootLogger.level = DEBUG")
                .replace("logger.floe.level = INFO", "logger.floe.level = DEBUG");
        Path log4j = logDir.resolve("log4j2.properties");
        Files.writeString(log4j, config);
        List<String> cmd = new ArrayList<>(ChildJvm.floe(List.of(args)));
        int main = cmd.indexOf("floe.jobs.cli.FloeCli");
        cmd.addAll(main - 2, List.of("-Dlog4j.configurationFile=" + log4j, "-Dfloe.log.dir=" + logDir));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(logDir.resolve("stdout").toFile())
                .redirectError(logDir.resolve("stderr").toFile());
        pb.environment().putAll(Map.of("OSS_ENDPOINT", oss.endpoint(), "OSS_ACCESS_KEY_ID", TestingOss.KEY_ID,
                "OSS_ACCESS_KEY_SECRET", secret, "FLINK_CONF_DIR", new File("../conf/embedded").getAbsolutePath()));
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("floe %s ends", name).isTrue();
        try (Stream<Path> files = Files.list(logDir)) {
            return new Outcome(p.exitValue(), files.filter(f -> !f.equals(log4j)).toList());
        }
    }

    @Test
    void noLogLineHoldsTheSecret() throws Exception {
        String secret = TestingOss.SECRET;
        try (TestingOssServer oss = TestingOssServer.start(dir.resolve("oss"), TestingOss.KEY_ID, secret, "data")) {
            // the inputs, written in this JVM (same credentials, from the test's environment)
            FloeRun gen = FloeRun.of("generate", "--out", "oss://data/ref", "--files", "8", "--records", "500",
                    "-D", "fs.oss.endpoint=" + oss.endpoint());
            assertThat(gen.exitCode()).as(gen.err()).isZero();
            List<Outcome> runs = new ArrayList<>();
            runs.add(floe(oss, secret, "merge", "tree-merge", "--input", "oss://data/ref/level-0", "--work", "oss://data/work",
                    "--output", "oss://data/out", "--widths", "4,2,1", "-D", "fs.oss.multipart.upload.size=102400"));
            runs.add(floe(oss, "not-" + secret, "wrong-secret", "verify", "--input", "oss://data/ref/level-0", "--result", "oss://data/out"));

            assertThat(runs.stream().map(Outcome::exit)).containsExactly(0, 2);
            assertThat(oss.keys("data")).contains("out/result.avro", "out/_SUCCESS");
            long lines = 0;
            for (Outcome run : runs) {
                for (Path f : run.logs()) {
                    List<String> all = Files.readAllLines(f);
                    lines += all.size();
                    assertThat(all).as("%s", f).noneMatch(line -> line.contains(secret));
                }
            }
            Path mergeLog = dir.resolve("merge/floe.log");
            assertThat(Files.readString(mergeLog)).as("the run logged its OSS traffic at DEBUG").contains("oss://data/");
            assertThat(lines).isGreaterThan(1000);
        }
    }
}

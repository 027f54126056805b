package floe.jobs;

import floe.testutils.TestingFlinkCluster;
import floe.testutils.TestingMavenRepository;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java quickstart as a user meets it: {@code examples/java-quickstart} copied out of the
 * repository, built offline with Maven against this build's Floe (its jars and POMs in a
 * repository of the test's own, the BOM imported as the README shows), its JUnit test run by that
 * build, then its jar run with {@code java -jar} (an embedded Flink) and with {@code flink run} on
 * a session cluster; both give the same result, byte for byte.
 */
class JavaQuickstartE2E {
    private static final String RESULT_LINE = "usage: 2000 records merged into ";

    @TempDir
    static Path shared;

    static Path project;
    static String build;

    @BeforeAll
    static void buildTheQuickstartAsAUserWould() throws Exception {
        Path home = TestingFlinkCluster.floeHome();
        Path repo = TestingMavenRepository.withFloe(home, shared.resolve("repository"));
        project = shared.resolve("java-quickstart");
        copy(home.resolve("examples/java-quickstart"), project);

        Run mvn = run(project, Map.of(), TestingMavenRepository.mvn(), "-o", "-B", "-Dmaven.repo.local=" + repo,
                "-Dfloe.version=" + System.getProperty("floe.version", "0.1.0-SNAPSHOT"), "package");
        build = mvn.output();
        assertThat(mvn.exitCode()).as(build).isZero();
    }

    @Test
    void theBuildRanTheProjectsTestsWithoutLoggingWarnings() throws IOException {
        String report = Files.readString(project.resolve("target/surefire-reports/TEST-com.example.quickstart.UsageWorkflowTest.xml"));
        assertThat(report).contains("tests=\"2\"").contains("failures=\"0\"").contains("errors=\"0\"");
        assertThat(build).contains("Tests run: 2, Failures: 0, Errors: 0").doesNotContain("SLF4J");
        assertThat(project.resolve("target/floe-quickstart.jar")).isRegularFile();
        assertThat(project.resolve("target/lib/flink.jar")).isRegularFile();
    }

    @Test
    void theJarRunsEmbeddedAndOnASessionClusterWithTheSameResult() throws Exception {
        Path embedded = shared.resolve("embedded");
        Run java = run(project, Map.of(), "java", "-jar", project.resolve("target/floe-quickstart.jar").toString(),
                embedded.toString(), "4", "500");
        assertThat(java.exitCode()).as(java.output()).isZero();
        assertThat(java.output()).contains(RESULT_LINE).contains("report ").doesNotContain("SLF4J").doesNotContain("WARN");

        Path onCluster = shared.resolve("cluster-run");
        try (TestingFlinkCluster flink = TestingFlinkCluster.start(shared.resolve("cluster"), 1, 2)) {
            Run flinkRun = run(project, Map.of("FLINK_CONF_DIR", flink.confDir().toString(),
                    "FLOE_LOG_DIR", shared.resolve("log").toString()),
                    TestingFlinkCluster.floeHome().resolve("bin/flink").toString(), "run",
                    project.resolve("target/floe-quickstart.jar").toString(), onCluster.toString(), "4", "500");
            assertThat(flinkRun.exitCode()).as(flinkRun.output()).isZero();
            assertThat(flinkRun.output()).contains(RESULT_LINE).contains("Job has been submitted with JobID");
        }
        assertThat(Files.readAllBytes(onCluster.resolve("out/result.avro")))
                .isEqualTo(Files.readAllBytes(embedded.resolve("out/result.avro")));
        assertThat(Files.readString(onCluster.resolve("out/_SUCCESS"))).isEqualTo(Files.readString(embedded.resolve("out/_SUCCESS")));
    }

    record Run(int exitCode, String output) {}

    private static Run run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        File log = Files.createTempFile(shared, "run-", ".out").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": still running after 5 minutes: " + Files.readString(log.toPath()));
        }
        return new Run(p.exitValue(), Files.readString(log.toPath()));
    }

    /** The project's files as a user would copy them: what a build left in {@code target/} stays behind. */
    private static void copy(Path from, Path to) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(from)) {
            files = new ArrayList<>(walk.filter(p -> !from.relativize(p).startsWith("target")).toList());
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else {
                Files.copy(f, target);
            }
        }
    }

    @AfterAll
    static void nothing() {
        // the cluster is stopped by its try-with-resources; the temporary directory goes with JUnit
    }
}

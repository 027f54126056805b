package floe.service;

import floe.service.cli.BatchCli;
import floe.service.testutils.ServiceProcess;
import floe.service.testutils.TestingBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's secrets stay out of sight: not in any log line at DEBUG, not on the command line of
 * any process it starts, not taken from a command line at all; task logs in a private directory.
 */
class ServiceSecretsITCase {
    private static final String DB_PASSWORD = "floe-db-password-77";
    private static final String OSS_SECRET = "floe-oss-secret-88";

    @TempDir
    Path dir;

    @Test
    void noSecretInAnyDebugLogLineNorInTheCommandLinesOfTheServicesProcesses() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), "fs.oss.accessKeySecret: " + OSS_SECRET + "\n");
        Path log = dir.resolve("service.log");
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level = DEBUG",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + log,
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d %-5p %c - %m%n%throwable", ""));
        Path data = dir.resolve("data");
        Path vol = Files.createDirectories(dir.resolve("vol"));
        List<String> seen = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(dir.resolve("stderr.txt").toFile(),
                List.of("-Dlog4j.configurationFile=" + log4j, "-Dlog4j2.configurationFile=" + log4j),
                Map.of("FLOE_BATCH_DB_USER", "sa", "FLOE_BATCH_DB_PASSWORD", DB_PASSWORD, "FLINK_CONF_DIR", conf.toString()),
                List.of("--data", data.toString(), "--volume", "vol=" + vol));
                BatchClient batch = TestingBatch.client(service.endpoint())) {
            batch.registerJobDefinition(RegisterJobDefinitionRequest.builder().jobDefinitionName("waits").type(JobDefinitionType.CONTAINER)
                    .containerProperties(ContainerProperties.builder().image("busybox")
                            .command("sh", "-c", "echo started > /mnt/vol/started; sleep 4")
                            .volumes(v -> v.name("vol").host(h -> h.sourcePath("/mnt/vol")))
                            .mountPoints(m -> m.sourceVolume("vol").containerPath("/mnt/vol")).build()).build());
            String id = batch.submitJob(SubmitJobRequest.builder().jobName("waits").jobQueue("default").jobDefinition("waits").build()).jobId();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(vol.resolve("started")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(vol.resolve("started")).as("the job's command runs").exists();
            // The service's process and every process under it while the command runs.
            ProcessHandle root = ProcessHandle.of(service.pid()).orElseThrow();
            List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
            all.add(root);
            for (ProcessHandle p : all) {
                Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
                try {
                    seen.add(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' '));
                } catch (IOException gone) {
                    // ended since it was listed
                }
            }
            List<List<JobDetail>> polls = TestingBatch.awaitJobs(batch, List.of(id), TestingBatch::ended, Duration.ofSeconds(60));
            List<JobDetail> done = polls.get(polls.size() - 1);
            assertThat(done).extracting(JobDetail::statusAsString).containsExactly("SUCCEEDED");
        }
        assertThat(seen).as("the service and the command it started").hasSizeGreaterThanOrEqualTo(2)
                .anyMatch(c -> c.contains("sleep 4"));
        for (String secret : List.of(TestingBatch.SECRET_KEY, DB_PASSWORD, OSS_SECRET)) {
            assertThat(seen).noneMatch(c -> c.contains(secret));
        }
        String logged = Files.readString(log);
        assertThat(logged).as("DEBUG lines were written").contains(" DEBUG ").contains("floe.service");
        for (String secret : List.of(TestingBatch.SECRET_KEY, DB_PASSWORD, OSS_SECRET)) {
            assertThat(logged).as("the log holds no secret").doesNotContain(secret);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("task-logs"))))
                .as("task logs are the user's alone").isEqualTo("rwx------");
    }

    @Test
    void aSecretOnTheCommandLineIsRefusedNamingWhereToPutIt() {
        Result serve = cli("serve", "-D", "floe.batch.secret-access-key=abc");
        assertThat(serve.code()).isEqualTo(2);
        assertThat(serve.err()).isEqualTo("floe batch: -D floe.batch.secret-access-key: secrets are not taken on the command line"
                + " (ps shows them to every user); set FLOE_BATCH_SECRET_ACCESS_KEY in the environment, or floe.batch.secret-access-key"
                + " in config.yaml (in FLINK_CONF_DIR, readable by you alone)\n");
        assertThat(cli("serve", "-D", "floe.http.tls-keystore-password=abc").err()).contains("set FLOE_HTTP_TLS_KEYSTORE_PASSWORD in the environment");
        assertThat(cli("bench", "-D", "security.ssl.rest.keystore-password=abc").err())
                .startsWith("floe batch: -D security.ssl.rest.keystore-password: secrets are not taken on the command line");
        Result db = cli("serve", "--db", "jdbc:postgresql://db/batch?user=floe&password=abc");
        assertThat(db.code()).isEqualTo(2);
        assertThat(db.err()).isEqualTo("floe batch: --db: a password in the URL is visible in ps; set FLOE_BATCH_DB_PASSWORD instead\n");
    }

    @Test
    void theServerRefusesSecretsOnItsCommandLineAsTheBatchServiceDoes() {
        StringWriter err = new StringWriter();
        CommandLine server = floe.service.cli.ServerCli.commandLine(Map.of());
        server.setErr(new PrintWriter(err));
        assertThat(server.execute("-D", "floe.batch.secret-access-key=abc")).isEqualTo(2);
        assertThat(err.toString()).startsWith("floe server: -D floe.batch.secret-access-key: secrets are not taken on the command line");
        StringWriter dbErr = new StringWriter();
        CommandLine withDb = floe.service.cli.ServerCli.commandLine(Map.of());
        withDb.setErr(new PrintWriter(dbErr));
        assertThat(withDb.execute("--db", "jdbc:postgresql://db/argo?password=abc")).isEqualTo(2);
        assertThat(dbErr.toString()).isEqualTo("floe server: --db: a password in the URL is visible in ps; set FLOE_BATCH_DB_PASSWORD instead\n");
    }

    private record Result(int code, String err) {}

    private static Result cli(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = BatchCli.commandLine(Map.of("FLOE_BATCH_ACCESS_KEY_ID", "a", "FLOE_BATCH_SECRET_ACCESS_KEY", "b"));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, err.toString());
    }
}

package floe.service.cli;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;
import floe.service.testutils.TestingBatch;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code floe batch register|submit|describe|list|cancel|terminate} against a running service. */
class BatchCliITCase {
    @TempDir
    static Path dir;

    private static BatchService service;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        service = BatchService.start(conf, Map.of(), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
        Files.writeString(dir.resolve("hello.json"), """
                {"jobDefinitionName": "hello", "type": "container",
                 "containerProperties": {"image": "busybox", "command": ["sh", "-c", "echo hello"]}}""");
        Files.writeString(dir.resolve("sleep.json"), """
                {"jobDefinitionName": "sleep", "type": "container",
                 "containerProperties": {"image": "busybox", "command": ["sleep", "300"]}}""");
        Files.writeString(dir.resolve("job-hello.json"), """
                {"jobName": "hello", "jobDefinition": "arn::xxxx:job-definition/hello:1", "jobQueue": "arn::xxxx:job-queue/default",
                 "dependsOn": [{"jobId": "replaced-by-the-option"}]}""");
        Files.writeString(dir.resolve("job-sleep.json"), """
                {"jobName": "sleepy", "jobDefinition": "sleep", "jobQueue": "default"}""");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run floeBatchSigned(String secret, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = BatchCli.commandLine(Map.of("FLOE_BATCH_ENDPOINT", service.endpoint().toString(),
                "FLOE_BATCH_ACCESS_KEY_ID", TestingBatch.ACCESS_KEY, "FLOE_BATCH_SECRET_ACCESS_KEY", secret));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run floeBatch(String... args) {
        return floeBatchSigned(TestingBatch.SECRET_KEY, args);
    }

    private static String status(String id) {
        Run describe = floeBatch("describe", id);
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        return describe.out().replaceAll("(?s).*\"status\" : \"([A-Z]+)\".*", "$1");
    }

    private static void await(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
        while (!status(id).equals(status)) {
            assertThat(System.nanoTime()).as("job " + id + " never " + status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void registerSubmitDescribeListCancelAndTerminate() throws Exception {
        Run register = floeBatch("register", dir.resolve("hello.json").toString());
        assertThat(register.exitCode()).as(register.err()).isZero();
        assertThat(register.out()).startsWith("hello:1\tarn:aws:batch:");
        assertThat(floeBatch("register", dir.resolve("sleep.json").toString()).exitCode()).isZero();

        Run sleeper = floeBatch("submit", dir.resolve("job-sleep.json").toString());
        assertThat(sleeper.exitCode()).as(sleeper.err()).isZero();
        String sleepId = sleeper.out().strip();
        assertThat(sleepId).matches("[0-9a-f-]{36}");
        await(sleepId, "RUNNING");

        Run hello = floeBatch("submit", dir.resolve("job-hello.json").toString(), "--depends-on", sleepId);
        assertThat(hello.exitCode()).as(hello.err()).isZero();
        String helloId = hello.out().strip();
        await(helloId, "PENDING");
        Run list = floeBatch("list", "--status", "PENDING");
        assertThat(list.out()).contains(helloId + "\tPENDING\thello");
        assertThat(floeBatch("list").out()).contains(sleepId + "\tRUNNING\tsleepy");

        assertThat(floeBatch("cancel", helloId, "--reason", "changed my mind").exitCode()).isZero();
        assertThat(status(helloId)).isEqualTo("FAILED");
        assertThat(floeBatch("describe", helloId).out()).contains("\"statusReason\" : \"changed my mind\"");

        assertThat(floeBatch("terminate", sleepId).exitCode()).isZero();
        await(sleepId, "FAILED");
        assertThat(floeBatch("describe", sleepId).out()).contains("\"statusReason\" : \"Terminated by floe batch terminate\"");
        assertThat(floeBatch("list", "--status", "FAILED").out()).contains(sleepId).contains(helloId);

        Run again = floeBatch("submit", dir.resolve("job-hello.json").toString(), "--depends-on", sleepId);
        await(again.out().strip(), "FAILED");
        assertThat(floeBatch("describe", again.out().strip()).out()).contains("Dependent Job failed");
    }

    @Test
    void errorsAreOneLineWithTheirExitCode() throws Exception {
        Run refused = floeBatch("submit", dir.resolve("job-sleep.json").toString(), "--queue", "nope");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("floe batch: ClientException (400): JobQueue nope not found" + System.lineSeparator());

        Files.writeString(dir.resolve("broken.json"), "{\"jobName\": \"x\",\n  \"jobQueue\" \"default\"}");
        Run broken = floeBatch("submit", dir.resolve("broken.json").toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).startsWith("floe batch: " + dir.resolve("broken.json") + ":2:14: not valid JSON");

        Run forbidden = floeBatchSigned("wrong-secret", "list");
        assertThat(forbidden.exitCode()).isEqualTo(1);
        assertThat(forbidden.err()).startsWith("floe batch: InvalidSignatureException (403): The request signature we calculated does not match")
                .doesNotContain("wrong-secret");

        Run missing = floeBatch("describe", "no-such-job");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no job with id [no-such-job]");
    }
}

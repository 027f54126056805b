package floe.jobs;

import floe.testutils.TestingFlinkCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code floe submit} to a session cluster whose REST API speaks only TLS
 * ({@code security.ssl.rest.*}, a self-signed certificate for 127.0.0.1 made with keytool).
 */
class TlsSessionClusterE2E {
    private static final String PASSWORD = "floe-test-store";

    @TempDir
    static Path shared;

    static TestingFlinkCluster flink;
    static Path store;

    @BeforeAll
    static void startClusterWithTls() throws Exception {
        store = shared.resolve("rest.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "flink.rest", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        flink = TestingFlinkCluster.start(shared.resolve("cluster"), 1, 2, Map.of(
                "security.ssl.rest.enabled", "true",
                "security.ssl.rest.keystore", store.toString(),
                "security.ssl.rest.keystore-password", PASSWORD,
                "security.ssl.rest.key-password", PASSWORD,
                "security.ssl.rest.keystore-type", "PKCS12",
                "security.ssl.rest.truststore", store.toString(),
                "security.ssl.rest.truststore-password", PASSWORD,
                "security.ssl.rest.truststore-type", "PKCS12"));
    }

    @AfterAll
    static void stopCluster() {
        flink.close();
    }

    @Test
    void submitOverTlsWithTheClustersTruststoreAndRefusedWithoutIt(@TempDir Path dir) throws Exception {
        assertThat(flink.rest().getScheme()).isEqualTo("https");
        Path spec = dir.resolve("hello.yaml");
        Files.writeString(spec, """
                apiVersion: argoproj.io/v1alpha1
                kind: Workflow
                metadata: {name: hello}
                spec:
                  entrypoint: hello
                  templates:
                    - name: hello
                      container: {image: busybox, command: [sh, -c, "echo over tls > said"]}
                """);

        FloeRun withoutTrust = FloeRun.of("submit", "--rest", flink.rest().toString(), spec.toString());
        // The truststore's password is a secret: refused with -D (ps shows it), given in FLINK_CONF_DIR's config.yaml.
        FloeRun onCommandLine = FloeRun.of("submit", "--rest", flink.rest().toString(),
                "-D", "security.ssl.rest.truststore-password=" + PASSWORD, spec.toString());
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), "security.ssl.rest.enabled: true\n"
                + "security.ssl.rest.truststore: " + store + "\n"
                + "security.ssl.rest.truststore-password: " + PASSWORD + "\n"
                + "security.ssl.rest.truststore-type: PKCS12\n");
        Path output = dir.resolve("submit.out");
        ProcessBuilder submit = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfloe.home=" + System.getProperty("floe.home"), "-cp", System.getProperty("java.class.path"), "floe.jobs.cli.FloeCli",
                "submit", "--rest", flink.rest().toString(), spec.toString(), "--image-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        submit.environment().put("FLINK_CONF_DIR", conf.toString());
        int exit = submit.start().waitFor();
        String said = Files.readString(output);

        assertThat(withoutTrust.exitCode()).as(withoutTrust.err()).isEqualTo(1);
        assertThat(withoutTrust.err()).startsWith("floe: " + flink.rest() + ": TLS handshake failed: ");
        assertThat(onCommandLine.exitCode()).isEqualTo(2);
        assertThat(onCommandLine.err()).startsWith("floe: -D security.ssl.rest.truststore-password: secrets are not taken on the command line")
                .doesNotContain(PASSWORD);
        assertThat(exit).as(said).isZero();
        assertThat(said).contains("hello finished in").doesNotContain(PASSWORD);
        assertThat(Files.readString(dir.resolve("said"))).isEqualTo("over tls\n");
    }
}

package floe.service;

import floe.service.testutils.TestingBatch;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.DescribeJobQueuesRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS with a certificate made for the test (openssl and keytool, real processes): the AWS SDK
 * trusting it talks to the service; a client that does not trust it, or speaks plain HTTP, does not.
 */
class HttpsFrontITCase {
    @TempDir
    Path dir;

    @Test
    void theSdkTalksToTheServiceOverHttpsWithAPemCertificateAndKey() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        Configuration conf = conf("pem");
        conf.set(HttpListenerOptions.TLS_CERT, cert.toString());
        conf.set(HttpListenerOptions.TLS_KEY, key.toString());
        try (BatchService service = BatchService.start(conf, Map.of(), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY)) {
            assertThat(service.endpoint().toString()).startsWith("https://127.0.0.1:");
            try (BatchClient trusting = client(service.endpoint(), cert)) {
                assertThat(trusting.describeJobQueues(DescribeJobQueuesRequest.builder().build()).jobQueues())
                        .extracting(q -> q.jobQueueName()).contains("default");
            }
            try (BatchClient notTrusting = TestingBatch.client(service.endpoint())) {
                assertThatThrownBy(() -> notTrusting.describeJobQueues(DescribeJobQueuesRequest.builder().build()))
                        .isInstanceOf(SdkClientException.class).hasStackTraceContaining("PKIX path building failed");
            }
            try (BatchClient plain = TestingBatch.client(URI.create("http://127.0.0.1:" + service.port()))) {
                assertThatThrownBy(() -> plain.describeJobQueues(DescribeJobQueuesRequest.builder().build())).isInstanceOf(SdkClientException.class);
            }
        }
    }

    @Test
    void aKeystoreServesToo() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.pem");
        String password = "keystore-test-password";
        run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", password, "-keypass", password);
        run("keytool", "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass", password,
                "-file", cert.toString());
        Configuration conf = conf("keystore");
        conf.set(HttpListenerOptions.TLS_KEYSTORE, keystore.toString());
        conf.set(HttpListenerOptions.TLS_KEYSTORE_PASSWORD, password);
        try (BatchService service = BatchService.start(conf, Map.of(), TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY);
                BatchClient trusting = client(service.endpoint(), cert)) {
            assertThat(trusting.describeJobQueues(DescribeJobQueuesRequest.builder().build()).jobQueues()).isNotEmpty();
        }
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedSayingHowToConvertIt() throws Exception {
        Path key = dir.resolve("rsa.pem");
        Path cert = dir.resolve("rsa-cert.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost");
        Path traditional = dir.resolve("traditional.pem");
        run("openssl", "rsa", "-in", key.toString(), "-out", traditional.toString(), "-traditional");
        Configuration conf = conf("bad");
        conf.set(HttpListenerOptions.TLS_CERT, cert.toString());
        conf.set(HttpListenerOptions.TLS_KEY, traditional.toString());
        assertThatThrownBy(() -> HttpListener.settings(conf, Map.of())).isInstanceOf(floe.SpecException.class)
                .hasMessage(traditional + ": a 'RSA PRIVATE KEY' PEM; the key must be unencrypted PKCS#8 ('BEGIN PRIVATE KEY'):"
                        + " openssl pkcs8 -topk8 -nocrypt -in " + traditional + " -out KEY.pk8");
    }

    private Configuration conf(String name) {
        Configuration conf = new Configuration();
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve(name).toString());
        return conf;
    }

    /** The SDK's Batch client trusting the certificate in {@code pem} (the test's own CA). */
    private static BatchClient client(URI endpoint, Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trusted.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        TrustManager[] managers = tmf.getTrustManagers();
        return BatchClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestingBatch.ACCESS_KEY, TestingBatch.SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder().tlsTrustManagersProvider(() -> managers).build())
                .build();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", all) + ": " + out).isZero();
    }
}

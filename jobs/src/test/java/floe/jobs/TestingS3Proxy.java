package floe.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy (an S3 server that checks AWS signatures, V2 and V4) in a process of its own on
 * 127.0.0.1, objects as files under a directory (jclouds' filesystem store: a bucket is a directory),
 * with one identity and secret. Its libraries are testing-s3proxy/target/lib, never on this classpath.
 */
final class TestingS3Proxy implements AutoCloseable {
    /** The identity and secret S3Proxy checks, the environment's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the tests (jobs/pom.xml). */
    static final String KEY_ID = "floe-s3-test-id";
    static final String SECRET = "floe-s3-test-secret-5Gq8";

    private final Process process;
    private final Path root;
    private final int port;

    private TestingS3Proxy(Process process, Path root, int port) {
        this.process = process;
        this.root = root;
        this.port = port;
    }

    /** Starts S3Proxy with objects under {@code dir}, the buckets made empty. */
    static TestingS3Proxy start(Path dir, String... buckets) throws IOException, InterruptedException {
        Path root = dir.resolve("objects");
        for (String b : buckets) {
            Files.createDirectories(root.resolve(b));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + KEY_ID,
                "s3proxy.credential=" + SECRET,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + root) + "\n");
        Path lib = Path.of(System.getProperty("user.dir")).resolve("../testing-s3proxy/target/lib").normalize();
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: build testing-s3proxy (mvn -pl jobs -am)");
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", lib + "/*",
                "org.gaul.s3proxy.Main", "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        TestingS3Proxy proxy = new TestingS3Proxy(p, root, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return proxy;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    proxy.close();
                    throw new IllegalStateException("S3Proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Where S3Proxy keeps object {@code key} of {@code bucket}. */
    Path object(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    /** The keys of {@code bucket}, sorted. */
    List<String> keys(String bucket) throws IOException {
        Path dir = root.resolve(bucket);
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package floe.testutils.oss;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small server speaking the OSS protocol, for tests: a real HTTP server on 127.0.0.1 (a free
 * port), objects on disk, path-style requests ({@code /bucket/key}, as OSS clients send them to
 * an IP endpoint), every request's V1 signature checked against one access key. It answers as OSS
 * does where a client can tell: object HEAD/GET (ranged, 206)/PUT/copy/DELETE, ListObjects v1 and
 * v2 with paging and common prefixes, batch delete, multipart uploads, {@code <Error>} bodies, and
 * a correct {@code x-oss-hash-crc64ecma}. Faults ({@link OssFault}) can be injected to test retries.
 *
 * <pre>{@code
 * try (TestingOssServer oss = TestingOssServer.start(dir, "test-key", "test-secret", "bucket")) {
 *     conf.setString("fs.oss.endpoint", oss.endpoint());
 *     oss.inject(OssFault.status(503, "ServiceUnavailable").on(OssOperation.GET_OBJECT).times(2));
 * }
 * }</pre>
 */
public final class TestingOssServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService threads;
    private final OssStore store;
    private final OssObjects objects;
    private final OssBuckets buckets;
    private final String accessKeyId;
    private final String secret;
    private final List<OssFault> faults = new CopyOnWriteArrayList<>();
    private final Map<OssOperation, AtomicLong> counts = new EnumMap<>(OssOperation.class);
    private final AtomicLong requestIds = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();

    private TestingOssServer(HttpServer http, ExecutorService threads, OssStore store, String accessKeyId, String secret) {
        this.http = http;
        this.threads = threads;
        this.store = store;
        this.objects = new OssObjects(store);
        this.buckets = new OssBuckets(store);
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        for (OssOperation op : OssOperation.values()) {
            counts.put(op, new AtomicLong());
        }
    }

    /** Starts a server keeping its objects under {@code root}, with the given buckets. */
    public static TestingOssServer start(Path root, String accessKeyId, String secret, String... bucketNames) throws IOException {
        Files.createDirectories(root);
        OssStore store = new OssStore(root);
        for (String b : bucketNames) {
            store.createBucket(b);
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "testing-oss");
            t.setDaemon(true);
            return t;
        });
        TestingOssServer server = new TestingOssServer(http, threads, store, accessKeyId, secret);
        http.createContext("/", server::serve);
        http.setExecutor(threads);
        http.start();
        return server;
    }

    /**
     * Runs a server until killed, for trying Floe against OSS by hand:
     * {@code TestingOssServer DIR KEY_ID SECRET BUCKET...}; prints the endpoint. (The secret is
     * read from the environment variable OSS_ACCESS_KEY_SECRET when given as {@code -}.)
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TestingOssServer DIR KEY_ID SECRET|- BUCKET...");
            System.exit(2);
        }
        String secret = args[2].equals("-") ? System.getenv("OSS_ACCESS_KEY_SECRET") : args[2];
        TestingOssServer server = start(Path.of(args[0]), args[1], secret, java.util.Arrays.copyOfRange(args, 3, args.length));
        System.out.println(server.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** {@code http://127.0.0.1:PORT}: the value of {@code fs.oss.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public void inject(OssFault fault) {
        faults.add(fault);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Requests of {@code op} answered (or failed) since the start or the last {@link #resetStats()}. */
    public long requests(OssOperation op) {
        return counts.get(op).get();
    }

    public Map<OssOperation, Long> requestCounts() {
        Map<OssOperation, Long> m = new EnumMap<>(OssOperation.class);
        counts.forEach((op, n) -> {
            if (n.get() > 0) {
                m.put(op, n.get());
            }
        });
        return m;
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    public void resetStats() {
        counts.values().forEach(n -> n.set(0));
        bytesIn.set(0);
        bytesOut.set(0);
    }

    /** The keys in {@code bucket}, in order. */
    public List<String> keys(String bucket) {
        return new ArrayList<>(store.bucket(bucket).keySet());
    }

    /** The bytes of an object, or null if there is none under that key. */
    public byte[] object(String bucket, String key) {
        OssStore.StoredObject o = store.get(bucket, key);
        try {
            return o == null ? null : Files.readAllBytes(o.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Multipart uploads initiated and neither completed nor aborted. */
    public int pendingUploads() {
        return store.pendingUploads();
    }

    private void serve(HttpExchange exchange) throws IOException {
        OssExchange x = new OssExchange(this, exchange, String.format("5F%022X", requestIds.incrementAndGet()));
        counts.get(x.operation).incrementAndGet();
        try {
            if (x.bucket.isEmpty()) {
                x.error(400, "InvalidRequest", "the testing server serves path-style requests to a bucket only");
                return;
            }
            if (!authorized(x)) {
                return;
            }
            if (!store.hasBucket(x.bucket)) {
                x.error(404, "NoSuchBucket", "The specified bucket does not exist.", Map.of("BucketName", x.bucket));
                return;
            }
            OssFault drop = null;
            for (OssFault f : faults) {
                if (!f.take(x.operation, x.key == null ? "" : x.key)) {
                    continue;
                }
                switch (f.kind) {
                    case STATUS -> {
                        x.body().readAllBytes();
                        x.error(f.status, f.code, "injected fault");
                        return;
                    }
                    case DELAY -> sleep(f.delay.toMillis());
                    case DROP -> drop = f;
                }
            }
            if (drop != null && !x.operation.uploads() && x.operation != OssOperation.GET_OBJECT) {
                throw new OssObjects.DroppedConnection();
            }
            if (x.key == null) {
                buckets.handle(x);
            } else {
                objects.handle(x, drop);
            }
        } catch (OssObjects.DroppedConnection e) {
            // the JDK server closes the connection when a handler throws
            throw e;
        } catch (IOException | RuntimeException e) {
            try {
                x.error(500, "InternalError", "testing server: " + e);
            } catch (IOException | RuntimeException ignored) {
                exchange.close();
            }
        }
    }

    private boolean authorized(OssExchange x) throws IOException {
        String auth = x.header("Authorization");
        if (auth == null || !auth.startsWith("OSS ") || auth.indexOf(':') < 0) {
            x.error(403, "AccessDenied", "You have no right to access this object because of bucket acl.");
            return false;
        }
        String keyId = auth.substring(4, auth.lastIndexOf(':'));
        String signature = auth.substring(auth.lastIndexOf(':') + 1);
        if (!keyId.equals(accessKeyId)) {
            x.error(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                    Map.of("OSSAccessKeyId", keyId));
            return false;
        }
        String toSign = OssSignature.stringToSign(x.method, x.http.getRequestHeaders(), x.resourcePath(), x.query);
        if (!OssSignature.sign(secret, toSign).equals(signature)) {
            x.error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
                    Map.of("StringToSign", toSign, "OSSAccessKeyId", keyId));
            return false;
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}

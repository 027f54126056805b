package floe.service;

import floe.SpecException;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.protocol.http.HttpContinue;

import org.apache.flink.configuration.Configuration;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.XnioExecutor;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * One Undertow listener with Floe's limits ({@link HttpListenerOptions}): HTTPS when a certificate
 * or keystore is configured; request headers that must arrive within a deadline; connections closed
 * when idle; bodies read without a worker thread, within a size limit and a deadline
 * ({@link #receive}), so slow or huge requests never reach a signature check nor hold a thread.
 *
 * <pre>{@code
 * HttpListener.Settings settings = HttpListener.settings(conf, System.getenv());
 * HttpListener listener = HttpListener.start("127.0.0.1", 8000, settings, handler);
 * URI where = listener.address();   // https://127.0.0.1:8000 with TLS
 * }</pre>
 */
public final class HttpListener implements AutoCloseable {
    /** How much of a too-large body is read and dropped, in multiples of the limit, before its connection is closed instead. */
    static final int DRAINED_LIMITS = 8;
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

    /** The limits and the TLS context of a listener, read once from the configuration. */
    public record Settings(Duration parseTimeout, Duration bodyTimeout, Duration idleTimeout, long maxBodySize, int maxHeaderSize,
            int workerThreads, Optional<SSLContext> tls) {}

    private final Undertow server;
    private final String host;
    private final int port;
    private final boolean tls;

    private HttpListener(Undertow server, String host, int port, boolean tls) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** Reads the listener's settings; a keystore password comes from {@code env} first. */
    public static Settings settings(Configuration conf, Map<String, String> env) {
        return new Settings(conf.get(HttpListenerOptions.REQUEST_PARSE_TIMEOUT), conf.get(HttpListenerOptions.BODY_TIMEOUT),
                conf.get(HttpListenerOptions.IDLE_TIMEOUT), conf.get(HttpListenerOptions.MAX_BODY_SIZE).getBytes(),
                (int) Math.min(Integer.MAX_VALUE, conf.get(HttpListenerOptions.MAX_HEADER_SIZE).getBytes()),
                conf.get(HttpListenerOptions.WORKER_THREADS), tls(conf, env));
    }

    /** Starts listening ({@code port} 0: any free port) and serves {@code handler}, called on an IO thread. */
    public static HttpListener start(String host, int port, Settings s, HttpHandler handler) {
        Undertow.Builder builder = Undertow.builder()
                .setIoThreads(2)
                .setWorkerThreads(s.workerThreads())
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(s.parseTimeout()))
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(s.idleTimeout()))
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, millis(s.idleTimeout()))
                // A chunked body's limit is fixed when its request is parsed: the drained size, past which it is cut.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, drainLimit(s))
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, s.maxHeaderSize())
                .setSocketOption(Options.READ_TIMEOUT, millis(s.idleTimeout()))
                .setSocketOption(Options.WRITE_TIMEOUT, millis(s.idleTimeout()))
                .setHandler(handler);
        if (s.tls().isPresent()) {
            builder.addHttpsListener(port, host, s.tls().get());
        } else {
            builder.addHttpListener(port, host);
        }
        Undertow server = builder.build();
        server.start();
        int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return new HttpListener(server, host, bound, s.tls().isPresent());
    }

    public int port() {
        return port;
    }

    /** {@code http://HOST:PORT}, or https with TLS. */
    public URI address() {
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + port);
    }

    /**
     * Reads the request's body, then calls {@code then} on a worker thread. A body larger than the
     * limit gets {@code tooLarge} instead: its rest is read and dropped (up to
     * {@value #DRAINED_LIMITS} times the limit, so that the client, still sending, sees the answer
     * rather than a reset connection); a larger one, by its Content-Length or as it arrives, has its
     * connection answered and closed at once. A body not complete within the body timeout has its
     * connection closed. Call it on the IO thread.
     */
    public static void receive(HttpServerExchange exchange, Settings s, Receiver.FullBytesCallback then,
            Consumer<HttpServerExchange> tooLarge) {
        long drainLimit = drainLimit(s);
        if (exchange.getRequestContentLength() > drainLimit) {
            exchange.setPersistent(false);
            tooLarge.accept(exchange);
            return;
        }
        exchange.setMaxEntitySize(drainLimit);
        if (HttpContinue.requiresContinueResponse(exchange)) {
            // The client waits to be told to send the body: a too-large one is refused unsent, another asked for.
            if (exchange.getRequestContentLength() > s.maxBodySize()) {
                exchange.setPersistent(false);
                tooLarge.accept(exchange);
                return;
            }
            HttpContinue.sendContinueResponse(exchange, new IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, Sender sender) {
                    read(ex, s, then, tooLarge);
                }

                @Override
                public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                    IoUtils.safeClose(ex.getConnection());
                }
            });
            return;
        }
        read(exchange, s, then, tooLarge);
    }

    private static void read(HttpServerExchange exchange, Settings s, Receiver.FullBytesCallback then,
            Consumer<HttpServerExchange> tooLarge) {
        AtomicBoolean done = new AtomicBoolean();
        XnioExecutor.Key deadline = exchange.getIoThread().executeAfter(() -> {
            if (done.compareAndSet(false, true)) {
                IoUtils.safeClose(exchange.getConnection());
            }
        }, millis(s.bodyTimeout()), TimeUnit.MILLISECONDS);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        long[] length = {0};
        exchange.getRequestReceiver().receivePartialBytes((ex, bytes, last) -> {
            length[0] += bytes.length;
            if (length[0] <= s.maxBodySize()) {
                body.write(bytes, 0, bytes.length);
            }
            if (!last || !done.compareAndSet(false, true)) {
                return;
            }
            deadline.remove();
            if (length[0] > s.maxBodySize()) {
                tooLarge.accept(ex);
            } else {
                byte[] all = body.toByteArray();
                ex.dispatch(() -> then.handle(ex, all));
            }
        }, (ex, e) -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            deadline.remove();
            if (e instanceof RequestTooBigException) {
                ex.setPersistent(false);
                tooLarge.accept(ex);
            } else {
                IoUtils.safeClose(ex.getConnection());
            }
        });
    }

    @Override
    public void close() {
        server.stop();
    }

    private static long drainLimit(Settings s) {
        return s.maxBodySize() > Long.MAX_VALUE / DRAINED_LIMITS ? Long.MAX_VALUE : s.maxBodySize() * DRAINED_LIMITS;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static Optional<SSLContext> tls(Configuration conf, Map<String, String> env) {
        Optional<String> cert = conf.getOptional(HttpListenerOptions.TLS_CERT);
        Optional<String> key = conf.getOptional(HttpListenerOptions.TLS_KEY);
        Optional<String> keystore = conf.getOptional(HttpListenerOptions.TLS_KEYSTORE);
        if (cert.isPresent() != key.isPresent()) {
            throw new SpecException("TLS needs both " + HttpListenerOptions.TLS_CERT.key() + " (--tls-cert) and "
                    + HttpListenerOptions.TLS_KEY.key() + " (--tls-key)");
        }
        if (cert.isPresent() && keystore.isPresent()) {
            throw new SpecException("give either a certificate and key (--tls-cert, --tls-key) or a keystore (--tls-keystore), not both");
        }
        try {
            if (keystore.isPresent()) {
                String password = env.get(HttpListenerOptions.KEYSTORE_PASSWORD_ENV);
                if (password == null) {
                    password = conf.getOptional(HttpListenerOptions.TLS_KEYSTORE_PASSWORD).orElseThrow(() -> new SpecException(
                            HttpListenerOptions.TLS_KEYSTORE.key() + ": set the keystore's password in "
                                    + HttpListenerOptions.KEYSTORE_PASSWORD_ENV));
                }
                char[] pw = password.toCharArray();
                KeyStore store = KeyStore.getInstance(new File(keystore.get()), pw);
                return Optional.of(context(store, pw));
            }
            if (cert.isPresent()) {
                Certificate[] chain = certificates(new File(cert.get()));
                PrivateKey privateKey = privateKey(new File(key.get()));
                char[] pw = new char[0];
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", privateKey, pw, chain);
                return Optional.of(context(store, pw));
            }
            return Optional.empty();
        } catch (IOException | GeneralSecurityException e) {
            // The exception names the file and what is wrong with it, never a password.
            throw new SpecException("TLS: cannot load the server's key and certificate: " + e.getMessage());
        }
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static Certificate[] certificates(File file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file.toPath())) {
            Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
            if (chain.length == 0) {
                throw new SpecException(file + ": no certificate in it (a PEM file with BEGIN CERTIFICATE)");
            }
            return chain;
        }
    }

    private static PrivateKey privateKey(File file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file.toPath(), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new SpecException(file + ": not a PEM private key");
        }
        if (!m.group(1).equals("PRIVATE KEY")) {
            throw new SpecException(file + ": a '" + m.group(1) + "' PEM; the key must be unencrypted PKCS#8 ('BEGIN PRIVATE KEY'):"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new SpecException(file + ": a private key of none of RSA, EC, Ed25519, Ed448 (" + last.getMessage() + ")");
    }
}

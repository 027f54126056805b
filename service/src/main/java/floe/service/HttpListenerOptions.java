package floe.service;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/**
 * Settings of an HTTP listener Floe serves on (the Batch API, and any API beside it on the same
 * server): TLS, timeouts and limits, enforced before a request's signature is checked.
 * {@link HttpListener} applies them.
 */
public final class HttpListenerOptions {
    private HttpListenerOptions() {}

    /** The environment variable the keystore's password comes from (never the command line). */
    public static final String KEYSTORE_PASSWORD_ENV = "FLOE_HTTP_TLS_KEYSTORE_PASSWORD";

    public static final ConfigOption<String> TLS_CERT = ConfigOptions.key("floe.http.tls-cert")
            .stringType()
            .noDefaultValue()
            .withDescription("PEM file of the server's certificate (then its chain): serve HTTPS. With floe.http.tls-key;"
                    + " or give floe.http.tls-keystore instead.");

    public static final ConfigOption<String> TLS_KEY = ConfigOptions.key("floe.http.tls-key")
            .stringType()
            .noDefaultValue()
            .withDescription("PEM file of the certificate's private key, unencrypted PKCS#8 ('BEGIN PRIVATE KEY'; from an"
                    + " RSA or EC key: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8). Keep it readable by the service's user alone.");

    public static final ConfigOption<String> TLS_KEYSTORE = ConfigOptions.key("floe.http.tls-keystore")
            .stringType()
            .noDefaultValue()
            .withDescription("A PKCS12 or JKS keystore holding the server's key and certificate: serve HTTPS. Its password"
                    + " from " + KEYSTORE_PASSWORD_ENV + " (or floe.http.tls-keystore-password in config.yaml).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD = ConfigOptions.key("floe.http.tls-keystore-password")
            .stringType()
            .noDefaultValue()
            .withDescription("Password of floe.http.tls-keystore, when " + KEYSTORE_PASSWORD_ENV + " is not set: in config.yaml"
                    + " only (a secret is refused on the command line).");

    public static final ConfigOption<Duration> REQUEST_PARSE_TIMEOUT = ConfigOptions.key("floe.http.request-parse-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Longest time a client may take to send a request's line and headers; the connection is then closed.");

    public static final ConfigOption<Duration> BODY_TIMEOUT = ConfigOptions.key("floe.http.body-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Longest time a client may take to send a request's whole body, however it trickles;"
                    + " the connection is then closed. Bodies are read without holding a worker thread.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = ConfigOptions.key("floe.http.idle-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("A connection on which nothing moves for this long, or that sends no request, is closed.");

    public static final ConfigOption<MemorySize> MAX_BODY_SIZE = ConfigOptions.key("floe.http.max-body-size")
            .memoryType()
            .defaultValue(MemorySize.parse("1m"))
            .withDescription("Largest request body: a larger one is answered 413 before it is read or its signature checked.");

    public static final ConfigOption<MemorySize> MAX_HEADER_SIZE = ConfigOptions.key("floe.http.max-header-size")
            .memoryType()
            .defaultValue(MemorySize.parse("64k"))
            .withDescription("Largest request line and headers together.");

    public static final ConfigOption<Integer> WORKER_THREADS = ConfigOptions.key("floe.http.worker-threads")
            .intType()
            .defaultValue(16)
            .withDescription("Threads that check signatures and answer requests (bodies are read before, without them).");
}

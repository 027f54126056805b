package floe.service.cli;

import floe.SpecException;
import floe.service.BatchServiceOptions;
import floe.service.HttpListenerOptions;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options {@code floe batch serve} and {@code floe server} share, and the configuration they
 * make: {@code FLINK_CONF_DIR}'s {@code config.yaml}, then {@code -D} settings (secrets refused:
 * {@code ps} shows command lines to every user), then these options.
 */
final class ServiceSettings {
    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://HOST/DB (user and password: FLOE_BATCH_DB_USER, FLOE_BATCH_DB_PASSWORD). Default: an embedded database in --data.")
    String db;

    @Option(names = "--data", paramLabel = "DIR", description = "The service's own files (default ~/.floe/batch).")
    File data;

    @Option(names = "--volume", paramLabel = "NAME=DIR", description = "Host directory of a volume the jobs and workflows mount (repeatable).")
    Map<String, String> volumes = new LinkedHashMap<>();

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Secrets job definitions may name (containerProperties.secrets): one file per secret, named as it.")
    File secretsDir;

    @Option(names = "--image-dir", paramLabel = "DIR", description = "Where commands run: the jobs' scripts (default: here).")
    File imageDir;

    @Option(names = "--queue", paramLabel = "NAME", description = "A Batch job queue to create at start if missing (repeatable; default: default).")
    List<String> queues = new ArrayList<>();

    @Option(names = "--flink", paramLabel = "embedded|URL",
            description = "Where jobs run: embedded (default) or a session cluster's REST endpoint, http://HOST:8081.")
    String flink;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate (then its chain); with --tls-key.")
    File tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY).")
    File tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS with the key and certificate of this PKCS12 or JKS keystore (password: $"
                    + HttpListenerOptions.KEYSTORE_PASSWORD_ENV + ").")
    File tlsKeystore;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink, Floe, floe.batch.*, floe.server.* or floe.http.* setting"
            + " (repeatable); secrets are refused here (ps shows them): environment variables or config.yaml.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The service's configuration, listening on {@code port} when given; bad options refused naming the option and value. */
    Configuration load(Map<String, String> env, Integer port) {
        floe.run.SecretSettings.refuseOnCommandLine(settings);
        if (db != null && db.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new SpecException("--db: a password in the URL is visible in ps; set FLOE_BATCH_DB_PASSWORD instead");
        }
        String dir = env.get(ConfigConstants.ENV_FLINK_CONF_DIR);
        Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
        settings.forEach(conf::setString);
        setIf(conf, HttpListenerOptions.TLS_CERT, tlsCert);
        setIf(conf, HttpListenerOptions.TLS_KEY, tlsKey);
        setIf(conf, HttpListenerOptions.TLS_KEYSTORE, tlsKeystore);
        if (port != null) {
            conf.set(BatchServiceOptions.PORT, port);
        }
        if (host != null) {
            conf.set(BatchServiceOptions.HOST, host);
        }
        if (flink != null) {
            conf.set(BatchServiceOptions.FLINK, flink);
        }
        String jobsJar = System.getProperty("floe.jobs.jar");
        if (!conf.contains(BatchServiceOptions.FLINK_JARS) && jobsJar != null) {
            // bin/floe names the jobs jar: Floe's classes, shipped with every job to a session cluster.
            conf.set(BatchServiceOptions.FLINK_JARS, List.of(jobsJar));
        }
        if (db != null) {
            conf.set(BatchServiceOptions.DB, db);
        }
        setIf(conf, BatchServiceOptions.DATA_DIR, data);
        setIf(conf, BatchServiceOptions.SECRETS_DIR, secretsDir);
        setIf(conf, BatchServiceOptions.IMAGE_DIR, imageDir);
        if (!queues.isEmpty()) {
            conf.set(BatchServiceOptions.QUEUES, queues);
        }
        for (Map.Entry<String, String> v : volumes.entrySet()) {
            if (!new File(v.getValue()).isDirectory()) {
                throw new SpecException("--volume " + v.getKey() + "=" + v.getValue() + ": no such directory");
            }
        }
        return conf;
    }

    private static void setIf(Configuration conf, org.apache.flink.configuration.ConfigOption<String> option, File file) {
        if (file != null) {
            conf.set(option, file.getPath());
        }
    }
}

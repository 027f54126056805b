package floe.service.cli;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;
import floe.service.HttpListenerOptions;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code floe batch serve}: runs the service until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the AWS Batch API (POST /v1/...) and run the jobs submitted on Flink. Credentials: "
                + "FLOE_BATCH_ACCESS_KEY_ID and FLOE_BATCH_SECRET_ACCESS_KEY.")
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    BatchCli parent;

    private static volatile boolean serving;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the API (default 8000; 0: any free port).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://HOST/DB (user and password: FLOE_BATCH_DB_USER, FLOE_BATCH_DB_PASSWORD). Default: an embedded database in --data.")
    String db;

    @Option(names = "--data", paramLabel = "DIR", description = "The service's own files (default ~/.floe/batch).")
    File data;

    @Option(names = "--volume", paramLabel = "NAME=DIR", description = "Host directory of a volume the job definitions mount (repeatable).")
    Map<String, String> volumes = new LinkedHashMap<>();

    @Option(names = "--secrets-dir", paramLabel = "DIR",
            description = "Secrets job definitions may name (containerProperties.secrets): one file per secret, named as it.")
    File secretsDir;

    @Option(names = "--image-dir", paramLabel = "DIR", description = "Where commands run: the jobs' scripts (default: here).")
    File imageDir;

    @Option(names = "--queue", paramLabel = "NAME", description = "A job queue to create at start if missing (repeatable; default: default).")
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

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink, Floe, floe.batch.* or floe.http.* setting (repeatable);"
            + " secrets are refused here (ps shows them): environment variables or config.yaml.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** From the environment, else from the configuration (config.yaml or -D). */
    private String credential(String variable, Configuration conf, org.apache.flink.configuration.ConfigOption<String> option) {
        String value = parent.env.get(variable);
        if (value == null || value.isEmpty()) {
            value = conf.getOptional(option).orElse(null);
        }
        if (value == null || value.isEmpty()) {
            throw new floe.SpecException(variable + " is not set (nor " + option.key()
                    + "): the Batch service checks every request against its credentials");
        }
        return value;
    }

    /** Secrets given with -D are refused: ps shows a command line to every user of the machine. */
    static void refuseSecrets(Map<String, String> settings) {
        floe.run.SecretSettings.refuseOnCommandLine(settings);
    }

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() throws InterruptedException {
        String dir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
        refuseSecrets(settings);
        if (db != null && db.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new floe.SpecException("--db: a password in the URL is visible in ps; set FLOE_BATCH_DB_PASSWORD instead");
        }
        Configuration conf = dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
        settings.forEach(conf::setString);
        if (tlsCert != null) {
            conf.set(HttpListenerOptions.TLS_CERT, tlsCert.getPath());
        }
        if (tlsKey != null) {
            conf.set(HttpListenerOptions.TLS_KEY, tlsKey.getPath());
        }
        if (tlsKeystore != null) {
            conf.set(HttpListenerOptions.TLS_KEYSTORE, tlsKeystore.getPath());
        }
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
        if (data != null) {
            conf.set(BatchServiceOptions.DATA_DIR, data.getPath());
        }
        if (secretsDir != null) {
            conf.set(BatchServiceOptions.SECRETS_DIR, secretsDir.getPath());
        }
        if (imageDir != null) {
            conf.set(BatchServiceOptions.IMAGE_DIR, imageDir.getPath());
        }
        if (!queues.isEmpty()) {
            conf.set(BatchServiceOptions.QUEUES, queues);
        }
        for (Map.Entry<String, String> v : volumes.entrySet()) {
            if (!new File(v.getValue()).isDirectory()) {
                throw new floe.SpecException("--volume " + v.getKey() + "=" + v.getValue() + ": no such directory");
            }
        }
        BatchService service = BatchService.start(conf, volumes,
                credential("FLOE_BATCH_ACCESS_KEY_ID", conf, BatchServiceOptions.ACCESS_KEY_ID),
                credential("FLOE_BATCH_SECRET_ACCESS_KEY", conf, BatchServiceOptions.SECRET_ACCESS_KEY));
        serving = true;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "floe-batch-stop"));
        System.out.println(service.describe());
        System.out.flush();
        stopped.await();
        return 0;
    }
}

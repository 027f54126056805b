package floe.exec;

import floe.FloeException;
import floe.model.Command;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.PluginFileSystemFactory;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file system of an artifact's location. An {@code s3://} location, or an {@code oss://} one
 * that names its own endpoint or credentials, gets a file system of its own: the scheme's Flink
 * plugin ({@code flink-s3-fs-hadoop}, {@code flink-oss-fs-hadoop}, from {@code $FLINK_PLUGINS_DIR})
 * configured with the artifact's endpoint and credentials alone. Flink's file systems are
 * configured once a process, per scheme, and its S3 one reads only the environment's credentials:
 * one made per store lets two artifacts of one run reach two stores with two secrets, and no
 * credential ever enters the process's configuration, a plan or a log. Anything else is Flink's
 * file system of the URI.
 *
 * <p>Credentials are read when the file system is asked for: the secret's files, else (S3)
 * {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN} of the
 * environment, else, with {@code sdk-credentials}, whatever the AWS SDK finds. A missing one fails
 * naming the file or variable expected.
 */
final class ObjectStores {
    /** Settings of every store Floe makes: fail over in seconds, tried again by {@code ArtifactTransfer} as well. */
    private static final Map<String, String> S3_DEFAULTS = Map.of(
            "fs.s3a.attempts.maximum", "3",
            "fs.s3a.retry.limit", "3",
            "fs.s3a.retry.interval", "200ms",
            "fs.s3a.connection.establish.timeout", "10000",
            "fs.s3a.connection.timeout", "60000",
            // No directory marker is written, so none is deleted after each upload (S3A's default
            // posts a bulk delete of the parents' markers after every object; Argo writes none either).
            "fs.s3a.directory.marker.retention", "keep");

    /** The stores made so far, by what makes them differ (a digest stands for a secret). Made once a process, as Flink's own are. */
    private static final Map<String, FileSystem> MADE = new HashMap<>();
    private static PluginManager plugins;

    private ObjectStores() {}

    /** The file system of {@code location} for an artifact with {@code options}. */
    static FileSystem of(Path location, Map<String, String> options) throws IOException {
        URI uri = location.toUri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        boolean own = scheme.equals("s3") || (scheme.equals("oss") && (options.containsKey(Command.Artifact.STORE_ENDPOINT)
                || options.containsKey(Command.Artifact.STORE_ACCESS_KEY_FILE)));
        if (!own) {
            return location.getFileSystem();
        }
        Map<String, String> conf = scheme.equals("s3") ? s3(options) : oss(options);
        String id = scheme + "://" + uri.getAuthority() + " " + digest(conf);
        synchronized (MADE) {
            FileSystem fs = MADE.get(id);
            if (fs == null) {
                fs = create(scheme, uri, conf);
                MADE.put(id, fs);
            }
            return fs;
        }
    }

    /** The {@code fs.s3a.*} settings of an S3 store. */
    private static Map<String, String> s3(Map<String, String> options) throws IOException {
        Map<String, String> conf = new TreeMap<>(S3_DEFAULTS);
        String endpoint = options.get(Command.Artifact.STORE_ENDPOINT);
        if (endpoint != null) {
            conf.put("fs.s3a.endpoint", endpoint);
            conf.put("fs.s3a.connection.ssl.enabled", Boolean.toString(!endpoint.startsWith("http://")));
        }
        if (options.containsKey(Command.Artifact.STORE_REGION)) {
            conf.put("fs.s3a.endpoint.region", options.get(Command.Artifact.STORE_REGION));
        }
        conf.put("fs.s3a.path.style.access", Boolean.toString("true".equals(options.get(Command.Artifact.STORE_PATH_STYLE))));
        String access;
        String secret;
        String token = null;
        if (options.containsKey(Command.Artifact.STORE_ACCESS_KEY_FILE)) {
            access = secretFile(options, Command.Artifact.STORE_ACCESS_KEY_FILE);
            secret = secretFile(options, Command.Artifact.STORE_SECRET_KEY_FILE);
            if (options.containsKey(Command.Artifact.STORE_SESSION_TOKEN_FILE)) {
                token = secretFile(options, Command.Artifact.STORE_SESSION_TOKEN_FILE);
            }
        } else if ("true".equals(options.get(Command.Artifact.STORE_SDK_CREDENTIALS))) {
            return conf; // S3A's own chain: the environment, the profile, the instance's role
        } else {
            access = env("AWS_ACCESS_KEY_ID");
            secret = env("AWS_SECRET_ACCESS_KEY");
            token = System.getenv("AWS_SESSION_TOKEN");
            if (access == null || secret == null) {
                throw new FloeException("no S3 credentials: set " + (access == null ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY")
                        + " in the environment, or give the artifact accessKeySecret and secretKeySecret (with --secret NAME=DIR),"
                        + " or useSDKCreds: true");
            }
        }
        conf.put("fs.s3a.access.key", access);
        conf.put("fs.s3a.secret.key", secret);
        if (token != null && !token.isEmpty()) {
            conf.put("fs.s3a.session.token", token);
            conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
        } else {
            conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        }
        return conf;
    }

    /** The {@code fs.oss.*} settings of an OSS store with its own endpoint or credentials. */
    private static Map<String, String> oss(Map<String, String> options) throws IOException {
        Map<String, String> conf = new TreeMap<>(Map.of("fs.oss.attempts.maximum", "4", "fs.oss.connection.establish.timeout", "10000",
                "fs.oss.connection.timeout", "60000"));
        String endpoint = options.get(Command.Artifact.STORE_ENDPOINT);
        if (endpoint != null) {
            conf.put("fs.oss.endpoint", endpoint);
        }
        if (options.containsKey(Command.Artifact.STORE_ACCESS_KEY_FILE)) {
            conf.put("fs.oss.accessKeyId", secretFile(options, Command.Artifact.STORE_ACCESS_KEY_FILE));
            conf.put("fs.oss.accessKeySecret", secretFile(options, Command.Artifact.STORE_SECRET_KEY_FILE));
        } else {
            for (String[] v : new String[][] {{"OSS_ACCESS_KEY_ID", "fs.oss.accessKeyId"}, {"OSS_ACCESS_KEY_SECRET", "fs.oss.accessKeySecret"},
                    {"OSS_SESSION_TOKEN", "fs.oss.securityToken"}}) {
                if (env(v[0]) != null) {
                    conf.put(v[1], env(v[0]));
                }
            }
        }
        return conf;
    }

    private static FileSystem create(String scheme, URI uri, Map<String, String> settings) throws IOException {
        FileSystemFactory factory = factory(scheme);
        Configuration conf = new Configuration();
        settings.forEach(conf::setString);
        factory.configure(conf);
        return factory.create(URI.create(scheme + "://" + uri.getAuthority() + "/"));
    }

    /** A fresh factory of the scheme's plugin, wrapped so that its code runs with the plugin's class loader. */
    private static FileSystemFactory factory(String scheme) {
        String dir = System.getenv().getOrDefault(ConfigConstants.ENV_FLINK_PLUGINS_DIR, ConfigConstants.DEFAULT_FLINK_PLUGINS_DIRS);
        synchronized (MADE) {
            if (plugins == null && Files.isDirectory(java.nio.file.Path.of(dir))) {
                plugins = PluginUtils.createPluginManagerFromRootFolder(new Configuration());
            }
        }
        if (plugins != null) {
            for (Iterator<FileSystemFactory> it = plugins.load(FileSystemFactory.class); it.hasNext(); ) {
                FileSystemFactory f = it.next();
                if (f.getScheme().equals(scheme)) {
                    return PluginFileSystemFactory.of(f);
                }
            }
        }
        String plugin = scheme.equals("s3") ? "flink-s3-fs-hadoop" : "flink-" + scheme + "-fs-hadoop";
        throw new FloeException(scheme + ":// artifacts need Flink's " + plugin + " plugin in a directory of its own under " + dir
                + " ($FLINK_PLUGINS_DIR), as a Flink distribution's plugins/ has it");
    }

    /** A secret's key, from its file; a missing file names the key expected, never a value. */
    private static String secretFile(Map<String, String> options, String option) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(options.get(option));
        if (!Files.isRegularFile(file)) {
            throw new FloeException("the " + options.getOrDefault(Command.Artifact.STORE_CREDENTIALS, "secret") + " is needed: no file "
                    + file + " (--secret NAME=DIR gives a directory with a file per key)");
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
            throw new FloeException("the " + options.getOrDefault(Command.Artifact.STORE_CREDENTIALS, "secret") + " is needed: " + file
                    + " is empty");
        }
        return value;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static String digest(Map<String, String> conf) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            conf.forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package floe.connectors.oss;

import org.apache.flink.configuration.Configuration;

import java.util.Map;

/**
 * How Floe configures Flink's OSS file system ({@code flink-oss-fs-hadoop}): the {@code fs.oss.*}
 * keys of the Flink configuration, with credentials and endpoint taken from the environment
 * ({@code OSS_ACCESS_KEY_ID}, {@code OSS_ACCESS_KEY_SECRET}, {@code OSS_ENDPOINT},
 * {@code OSS_SESSION_TOKEN}) where the configuration does not give them, and retry and timeout
 * settings that make an unreachable endpoint fail in seconds rather than minutes.
 *
 * <pre>{@code
 * Configuration conf = OssSettings.apply(GlobalConfiguration.loadConfiguration(dir), System.getenv());
 * FileSystems.initialize(conf);
 * }</pre>
 */
public final class OssSettings {
    public static final String ENDPOINT = "fs.oss.endpoint";
    public static final String ACCESS_KEY_ID = "fs.oss.accessKeyId";
    public static final String ACCESS_KEY_SECRET = "fs.oss.accessKeySecret";
    public static final String SECURITY_TOKEN = "fs.oss.securityToken";

    /** Defaults Floe sets unless the configuration sets them (hadoop-aliyun's own: 10 attempts, 50 s, 200 s). */
    static final Map<String, String> DEFAULTS = Map.of(
            "fs.oss.attempts.maximum", "4",
            "fs.oss.connection.establish.timeout", "10000",
            "fs.oss.connection.timeout", "60000");

    private static final Map<String, String> FROM_ENV = Map.of(
            "OSS_ENDPOINT", ENDPOINT,
            "OSS_ACCESS_KEY_ID", ACCESS_KEY_ID,
            "OSS_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET,
            "OSS_SESSION_TOKEN", SECURITY_TOKEN);

    private OssSettings() {}

    /** A copy of {@code conf} with the environment's OSS settings and Floe's defaults where it has none. */
    public static Configuration apply(Configuration conf, Map<String, String> env) {
        Configuration out = new Configuration(conf);
        FROM_ENV.forEach((var, key) -> {
            String value = env.get(var);
            if (value != null && !value.isEmpty() && !out.containsKey(key)) {
                out.setString(key, value);
            }
        });
        DEFAULTS.forEach((key, value) -> {
            if (!out.containsKey(key)) {
                out.setString(key, value);
            }
        });
        return out;
    }

    /** Whether a setting holds a credential that must not be given where {@code ps} shows it. */
    public static boolean isSecret(String key) {
        return key.equals(ACCESS_KEY_SECRET) || key.equals(SECURITY_TOKEN) || key.equals("fs.oss.proxy.password");
    }

    /** Whether {@code uri} is on an object store, where an object appears whole when its upload completes. */
    public static boolean isObjectStore(java.net.URI uri) {
        String scheme = uri.getScheme();
        return scheme != null && (scheme.equals("oss") || scheme.startsWith("s3"));
    }
}

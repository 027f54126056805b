package floe.run;

import floe.SpecException;

import org.apache.flink.configuration.GlobalConfiguration;

import java.util.Map;

/**
 * Which settings are secrets, in one place: keys Flink itself hides when it logs a configuration
 * ({@link GlobalConfiguration#isSensitive}: password, secret, token, api key, ...). Secrets are
 * refused on command lines, where {@code ps} shows them to every user of the machine, and are
 * never shipped in a job's configuration.
 */
public final class SecretSettings {
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "floe.batch.secret-access-key", "FLOE_BATCH_SECRET_ACCESS_KEY",
            "floe.http.tls-keystore-password", "FLOE_HTTP_TLS_KEYSTORE_PASSWORD",
            "fs.oss.accesskeysecret", "OSS_ACCESS_KEY_SECRET",
            "fs.oss.securitytoken", "OSS_SESSION_TOKEN");

    private SecretSettings() {}

    public static boolean isSecret(String key) {
        return GlobalConfiguration.isSensitive(key);
    }

    /** Throws naming the first secret among {@code -D} settings, and where to put it instead. */
    public static void refuseOnCommandLine(Map<String, String> settings) {
        settings.keySet().stream().filter(SecretSettings::isSecret).findFirst().ifPresent(key -> {
            String variable = ENVIRONMENT.get(key.toLowerCase(java.util.Locale.ROOT));
            throw new SpecException("-D " + key + ": secrets are not taken on the command line (ps shows them to every user); set "
                    + (variable != null ? variable + " in the environment, or " : "") + key
                    + " in config.yaml (in FLINK_CONF_DIR, readable by you alone)");
        });
    }
}

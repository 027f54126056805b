package floe.testutils.oss;

import floe.connectors.oss.OssSettings;
import floe.run.FileSystems;

import org.apache.flink.configuration.Configuration;

import java.util.Map;

/** Flink's OSS file system pointed at a {@link TestingOssServer}, as a test sets it up. */
public final class TestingOss {
    public static final String KEY_ID = "LTAI5tFloeTestKey";
    public static final String SECRET = "floe-test-secret-7Qw2Lk9Zr4";

    private TestingOss() {}

    /** The settings a user would give for this server: endpoint and credentials as the environment would. */
    public static Configuration settings(TestingOssServer server, String keyId, String secret) {
        return OssSettings.apply(new Configuration(), Map.of(
                "OSS_ENDPOINT", server.endpoint(),
                "OSS_ACCESS_KEY_ID", keyId,
                "OSS_ACCESS_KEY_SECRET", secret));
    }

    /** Makes {@code oss://} in this JVM go to {@code server} with these credentials. */
    public static Configuration initialize(TestingOssServer server, String keyId, String secret) {
        Configuration conf = settings(server, keyId, secret);
        FileSystems.initialize(conf);
        return conf;
    }

    public static Configuration initialize(TestingOssServer server) {
        return initialize(server, KEY_ID, SECRET);
    }
}

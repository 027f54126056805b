package floe.connectors.oss;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OssSettingsTest {
    private static final Map<String, String> ENV = Map.of("OSS_ENDPOINT", "https://oss-cn-hangzhou.aliyuncs.com",
            "OSS_ACCESS_KEY_ID", "env-id", "OSS_ACCESS_KEY_SECRET", "env-secret");

    @Test
    void theEnvironmentFillsWhatTheConfigurationDoesNotGive() {
        Configuration conf = new Configuration();
        conf.setString(OssSettings.ACCESS_KEY_ID, "config-id");

        Configuration out = OssSettings.apply(conf, ENV);

        assertThat(out.toMap()).containsEntry("fs.oss.accessKeyId", "config-id")
                .containsEntry("fs.oss.accessKeySecret", "env-secret")
                .containsEntry("fs.oss.endpoint", "https://oss-cn-hangzhou.aliyuncs.com");
        assertThat(conf.toMap()).doesNotContainKey("fs.oss.accessKeySecret");
    }

    @Test
    void retriesAndTimeoutsAreBoundedUnlessConfigured() {
        Configuration conf = new Configuration();
        conf.setString("fs.oss.attempts.maximum", "10");

        Configuration out = OssSettings.apply(conf, Map.of());

        assertThat(out.toMap()).containsEntry("fs.oss.attempts.maximum", "10")
                .containsEntry("fs.oss.connection.establish.timeout", "10000")
                .containsEntry("fs.oss.connection.timeout", "60000")
                .doesNotContainKey("fs.oss.accessKeyId");
    }

    @Test
    void secretsAndObjectStores() {
        assertThat(OssSettings.isSecret("fs.oss.accessKeySecret")).isTrue();
        assertThat(OssSettings.isSecret("fs.oss.securityToken")).isTrue();
        assertThat(OssSettings.isSecret("fs.oss.endpoint")).isFalse();
        assertThat(OssSettings.isObjectStore(URI.create("oss://b/k"))).isTrue();
        assertThat(OssSettings.isObjectStore(URI.create("file:///tmp/k"))).isFalse();
        assertThat(OssErrors.find(new RuntimeException("no OSS here"))).isEmpty();
    }
}

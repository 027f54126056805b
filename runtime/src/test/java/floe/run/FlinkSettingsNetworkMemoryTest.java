package floe.run;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded Flink's network memory, which Flink allocates whole at start: sized to its slots. */
class FlinkSettingsNetworkMemoryTest {
    private static MemorySize network(Configuration base) {
        Configuration conf = FlinkSettings.embeddedCluster(base);
        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(conf.get(TaskManagerOptions.NETWORK_MEMORY_MIN));
        return conf.get(TaskManagerOptions.NETWORK_MEMORY_MIN);
    }

    private static Configuration slots(int slots) {
        return new Configuration().set(FloeOptions.EMBEDDED_SLOTS, slots);
    }

    @Test
    void sixteenMebibytesASlotWithinThirtyTwoAndOneHundredTwentyEight() {
        assertThat(network(slots(1))).isEqualTo(MemorySize.parse("32m"));
        assertThat(network(slots(2))).isEqualTo(MemorySize.parse("32m"));
        assertThat(network(slots(6))).isEqualTo(MemorySize.parse("96m"));
        assertThat(network(slots(64))).isEqualTo(MemorySize.parse("128m"));
    }

    @Test
    void aUsersOwnNetworkMemoryIsKept() {
        Configuration base = slots(2).set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("256m"));

        Configuration conf = FlinkSettings.embeddedCluster(base);

        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(MemorySize.parse("256m"));
        assertThat(conf.contains(TaskManagerOptions.NETWORK_MEMORY_MIN)).isFalse();
    }
}

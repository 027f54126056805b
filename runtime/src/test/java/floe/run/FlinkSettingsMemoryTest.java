package floe.run;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded Flink's network memory and shuffle read buffers, which Flink allocates whole: sized
 * to its slots; and its slot requests, matched at once.
 */
class FlinkSettingsMemoryTest {
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

    private static MemorySize shuffleRead(Configuration base) {
        return FlinkSettings.embeddedCluster(base).get(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY);
    }

    @Test
    void shuffleReadBuffersAreEightMebibytesASlotWithinSixteenAndSixtyFour() {
        assertThat(shuffleRead(slots(1))).isEqualTo(MemorySize.parse("16m"));
        assertThat(shuffleRead(slots(2))).isEqualTo(MemorySize.parse("16m"));
        assertThat(shuffleRead(slots(4))).isEqualTo(MemorySize.parse("32m"));
        assertThat(shuffleRead(slots(64))).isEqualTo(MemorySize.parse("64m"));
    }

    @Test
    void aUsersOwnShuffleReadBuffersAreKept() {
        Configuration base = slots(2).set(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY, MemorySize.parse("128m"));

        assertThat(shuffleRead(base)).isEqualTo(MemorySize.parse("128m"));
    }

    @Test
    void slotRequestsAreMatchedAtOnceUnlessTheUserSaysOtherwise() {
        assertThat(FlinkSettings.embeddedCluster(slots(2)).get(ResourceManagerOptions.REQUIREMENTS_CHECK_DELAY)).isZero();
        Configuration base = slots(2).set(ResourceManagerOptions.REQUIREMENTS_CHECK_DELAY, java.time.Duration.ofMillis(80));
        assertThat(FlinkSettings.embeddedCluster(base).get(ResourceManagerOptions.REQUIREMENTS_CHECK_DELAY)).hasMillis(80);
    }
}

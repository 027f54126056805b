package floe.testutils;

import floe.run.FlinkSettings;
import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink a job test class shares: one TaskManager with Floe's cluster settings. */
public final class TestingFlink {
    private TestingFlink() {}

    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(FlinkSettings.embeddedCluster(new Configuration().set(FloeOptions.EMBEDDED_SLOTS, slots)))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}

package floe.run;

import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler a Floe job asks for: region scheduling, except where Flink's batch job recovery is on. */
class FlinkSettingsJobRecoveryTest {
    @Test
    void aJobRunsOnTheDefaultSchedulerWithoutJobRecovery() {
        Configuration job = FlinkSettings.job(new Configuration());

        assertThat(job.get(JobManagerOptions.SCHEDULER)).isEqualTo(JobManagerOptions.SchedulerType.Default);
    }

    /** Only AdaptiveBatch resumes a batch job from its finished tasks when a standby JobManager takes over. */
    @Test
    void aJobOnAClusterWithJobRecoveryRunsOnAdaptiveBatch() {
        Configuration cluster = new Configuration();
        cluster.set(BatchExecutionOptions.JOB_RECOVERY_ENABLED, true);

        Configuration job = FlinkSettings.job(cluster);
        Configuration shipped = FlinkSettings.shipped(cluster);

        assertThat(job.get(JobManagerOptions.SCHEDULER)).isEqualTo(JobManagerOptions.SchedulerType.AdaptiveBatch);
        assertThat(shipped.get(JobManagerOptions.SCHEDULER)).isEqualTo(JobManagerOptions.SchedulerType.AdaptiveBatch);
        assertThat(shipped.get(BatchExecutionOptions.JOB_RECOVERY_ENABLED)).isTrue();
    }
}

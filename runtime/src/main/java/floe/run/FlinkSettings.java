package floe.run;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;

import java.time.Duration;

/**
 * The Flink settings every Floe job runs with, set deliberately.
 *
 * <p>The scheduler is {@code Default} (pipelined-region scheduling), chosen over Flink's batch
 * default AdaptiveBatch. Behind blocking edges every subtask is its own region and starts as soon
 * as the producers it reads from are done, so a level-2 merge does not wait for all 64 level-1
 * merges ({@code EmbeddedRunnerITCase} proves it). AdaptiveBatch exists to decide parallelism and
 * rewrite the graph at run time; Floe's compiler fixes both, and a workflow's plan must run as
 * planned. (Measured on Flink 2.3: with every parallelism fixed, AdaptiveBatch also starts
 * pointwise consumers early; consumers wait for the whole producer only where it decides
 * parallelism itself.)
 *
 * <p>Except on a cluster with Flink's batch job recovery ({@code execution.batch.job-recovery.enabled},
 * {@code floe cluster start --ha}): only AdaptiveBatch recovers a batch job from the tasks that had
 * finished when a JobManager takes over from one that died (the Default scheduler runs it again
 * from the start). With every parallelism fixed by Floe, it runs the plan as planned.
 */
public final class FlinkSettings {
    private FlinkSettings() {}

    /**
     * Job-level settings: batch mode, region scheduling, restarts for lost TaskManagers. Unless the
     * configuration chooses a restart strategy, exponential delay: a lost TaskManager fails every
     * task it ran within moments, which this strategy counts as one attempt (fixed delay counted
     * each, and with 3 attempts a job survived a killed TaskManager 1 time in 5). Task failures are
     * never restarted: Floe retries tasks itself.
     */
    public static Configuration job(Configuration base) {
        Configuration conf = new Configuration(base);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(JobManagerOptions.SCHEDULER, base.get(BatchExecutionOptions.JOB_RECOVERY_ENABLED)
                ? JobManagerOptions.SchedulerType.AdaptiveBatch : JobManagerOptions.SchedulerType.Default);
        if (!base.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 10);
        }
        return conf;
    }

    /**
     * The scheduler of a cluster's JobManagers, which schedule with their own configuration's
     * whatever a job carries: with job recovery on, AdaptiveBatch (the one that recovers), unless
     * the cluster's own settings {@code chose} one.
     */
    public static void clusterScheduler(Configuration cluster, boolean chosen) {
        if (cluster.get(BatchExecutionOptions.JOB_RECOVERY_ENABLED) && !chosen) {
            cluster.set(JobManagerOptions.SCHEDULER, JobManagerOptions.SchedulerType.AdaptiveBatch);
        }
    }

    /** Prefixes of the settings a job's own configuration may carry to a cluster: how it executes, nothing else. */
    private static final java.util.List<String> JOB_PREFIXES = java.util.List.of("execution.", "pipeline.", "restart-strategy.",
            "jobmanager.scheduler", "jobmanager.execution.", "jobmanager.adaptive-batch-scheduler.", "batch.", "parallelism.default",
            "state.", "checkpointing.");

    /**
     * The configuration a job compiled here carries to a session cluster: {@link #job}'s settings
     * over {@code base}'s execution settings alone. The rest of a client's configuration (its TLS
     * material, the Batch service's credentials and database, file systems' keys, Floe's own
     * settings, which the compiler has already applied) is the client's, and a cluster shows a job's
     * configuration to anyone who can read its REST API. Secrets never go, whatever their key.
     */
    public static Configuration shipped(Configuration base) {
        Configuration kept = new Configuration();
        base.toMap().forEach((key, value) -> {
            if (JOB_PREFIXES.stream().anyMatch(key::startsWith) && !SecretSettings.isSecret(key)) {
                kept.setString(key, value);
            }
        });
        return job(kept);
    }

    /**
     * Cluster-level settings for the embedded Flink: many small blocking producers at once, so
     * each sort-shuffle partition asks for few network buffers (completions are tiny); network
     * memory sized to its slots ({@code floe.embedded.slots}), {@link #NETWORK_PER_SLOT} a slot within
     * 32-128 MiB; and the read buffers of its blocking (sort-merge) shuffle, {@link
     * #SHUFFLE_READ_PER_SLOT} a slot within 16-64 MiB (Flink's default is 64 MiB whatever the
     * slots). Flink allocates and zeroes both whole, the network memory when the TaskManager starts
     * and the read buffers when its first blocking partition is written, and on 2 cores every 32
     * MiB of it cost about 0.1 s of a run. A slot runs one subtask at a time, whose partition and
     * input gate take a few dozen buffers of 32 KiB; a partition being read takes 4 MiB of read
     * buffers at a time and gives back what it did not fill. Its resource manager matches a job's
     * slot requests at once, where Flink waits 50 ms ({@code slotmanager.requirement-check.delay})
     * to gather changes from many TaskManagers: the embedded Flink has one, and every job, each run
     * on the warm one too, waited those 50 ms before its first task.
     */
    public static Configuration embeddedCluster(Configuration base) {
        Configuration conf = job(base);
        int slots = conf.get(FloeOptions.EMBEDDED_SLOTS);
        if (!base.contains(NettyShuffleEnvironmentOptions.NETWORK_SORT_SHUFFLE_MIN_BUFFERS)) {
            conf.set(NettyShuffleEnvironmentOptions.NETWORK_SORT_SHUFFLE_MIN_BUFFERS, 16);
        }
        if (!base.containsKey("taskmanager.memory.network.min") && !base.containsKey("taskmanager.memory.network.max")) {
            MemorySize network = perSlot(NETWORK_PER_SLOT, slots, 32, 128);
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        }
        if (!base.contains(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY)) {
            conf.set(TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY, perSlot(SHUFFLE_READ_PER_SLOT, slots, 16, 64));
        }
        if (!base.contains(ResourceManagerOptions.REQUIREMENTS_CHECK_DELAY)) {
            conf.set(ResourceManagerOptions.REQUIREMENTS_CHECK_DELAY, Duration.ZERO);
        }
        return conf;
    }

    private static MemorySize perSlot(MemorySize each, int slots, long minMebiBytes, long maxMebiBytes) {
        return MemorySize.ofMebiBytes(Math.min(maxMebiBytes, Math.max(minMebiBytes, each.getMebiBytes() * (long) slots)));
    }

    /** Network memory of the embedded Flink for each of its slots. */
    static final MemorySize NETWORK_PER_SLOT = MemorySize.ofMebiBytes(16);

    /** Read buffers of the embedded Flink's blocking shuffle for each of its slots. */
    static final MemorySize SHUFFLE_READ_PER_SLOT = MemorySize.ofMebiBytes(8);
}

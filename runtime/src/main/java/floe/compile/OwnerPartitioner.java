package floe.compile;

import org.apache.flink.api.common.functions.Partitioner;

/** Sends the completion of upstream task {@code t} to the subtask that runs consumer task {@code t / fanIn}. */
final class OwnerPartitioner implements Partitioner<Integer> {
    private static final long serialVersionUID = 1L;

    private final TaskBlocks consumer;
    private final int fanIn;

    OwnerPartitioner(TaskBlocks consumer, int fanIn) {
        this.consumer = consumer;
        this.fanIn = fanIn;
    }

    @Override
    public int partition(Integer upstreamTask, int numPartitions) {
        return consumer.owner(upstreamTask / fanIn);
    }
}

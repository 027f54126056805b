package floe.compile;

/** How a dependency becomes a Flink edge. */
public enum EdgeKind {
    /** Every completion to every consumer subtask; all-to-all and blocking: a barrier. */
    BROADCAST,
    /** Each producer subtask feeds one consumer subtask (Flink {@code rescale}); consumers start early. */
    POINTWISE,
    /**
     * Each completion to the subtask that owns its consumer task, over an all-to-all edge: used
     * when the producer's and consumer's parallelism do not line up for a pointwise edge.
     */
    ROUTED
}

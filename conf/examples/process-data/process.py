"""process.py FILE_NUMBER LEVEL  (Argo)   or   process.py  with AWS_BATCH_JOB_ARRAY_INDEX and LEVEL  (Batch)

Level LEVEL task FILE_NUMBER merges level-(LEVEL-1)/part-{2i}.csv and part-{2i+1}.csv into
level-LEVEL/part-{i}.csv on the volume (metrics.VOLUME, /mnt/vol).
"""

import metrics


def run(args, env):
    if len(args) == 2:
        index, level = metrics.integer("FILE_NUMBER", args[0]), metrics.integer("LEVEL", args[1])
    elif not args and "AWS_BATCH_JOB_ARRAY_INDEX" in env and "LEVEL" in env:
        index = metrics.integer("AWS_BATCH_JOB_ARRAY_INDEX", env["AWS_BATCH_JOB_ARRAY_INDEX"])
        level = metrics.integer("LEVEL", env["LEVEL"])
    else:
        raise metrics.UsageError("usage: process.py FILE_NUMBER LEVEL (or AWS_BATCH_JOB_ARRAY_INDEX and LEVEL in the environment)")
    if level < 1 or index < 0:
        raise metrics.UsageError("LEVEL must be at least 1 and FILE_NUMBER at least 0, got %d and %d" % (level, index))
    inputs = [metrics.part(level - 1, 2 * index), metrics.part(level - 1, 2 * index + 1)]
    metrics.write_atomically(metrics.part(level, index), (metrics.line(r) for r in metrics.merged(inputs)))


if __name__ == "__main__":
    metrics.main(run)

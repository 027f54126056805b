"""merge.py FIRST COUNT  (Argo: merge.py 0 32)   or   merge.py  with NUMBER  (Batch: files 0 .. NUMBER-1)

Merges level-2/part-{FIRST .. FIRST+COUNT-1}.csv into result/result.csv on the volume, then writes
result/_SUCCESS last: source records, distinct keys, total count, total sum and a checksum of the
result, computed as Floe's native merge computes them.
"""

import os

import metrics


def run(args, env):
    if len(args) == 2:
        first, count = metrics.integer("FIRST", args[0]), metrics.integer("COUNT", args[1])
    elif not args and "NUMBER" in env:
        first, count = 0, metrics.integer("NUMBER", env["NUMBER"])
    else:
        raise metrics.UsageError("usage: merge.py FIRST COUNT (or NUMBER in the environment)")
    if first < 0 or count < 1:
        raise metrics.UsageError("FIRST must be at least 0 and COUNT at least 1, got %d and %d" % (first, count))
    result = os.path.join(metrics.VOLUME, "result")
    success = os.path.join(result, "_SUCCESS")
    if os.path.exists(success):
        os.remove(success)  # a rerun: no old manifest beside a new result
    manifest = metrics.Manifest()
    inputs = [metrics.part(2, i) for i in range(first, first + count)]
    records = (metrics.line(manifest.add(r)) for r in metrics.merged(inputs))
    metrics.write_atomically(os.path.join(result, "result.csv"), records)
    metrics.write_atomically(success, [manifest.json(metrics.source_records())])


if __name__ == "__main__":
    metrics.main(run)

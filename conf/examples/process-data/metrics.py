"""Sorted Metric CSV files for the process-data example (Python standard library only).

A file holds one record a line, ``key,count,sum,min,max``, no header, sorted by key with keys
unique within the file; doubles are written so that they read back to the same bits (Python's
repr). A merge combines equal keys: counts and sums add, min and max take the extremes; the
result is the same whatever the order of the merges, and the same as Floe's native tree merge.
"""

import hashlib
import heapq
import json
import os
import struct
import sys

# Where the volume is mounted: the Argo template mounts it at /mnt/vol; Floe mounts --volume
# workdir=DIR there too. FLOE_VOLUME overrides it for running the scripts by hand.
VOLUME = os.environ.get("FLOE_VOLUME", "/mnt/vol")


class DataError(Exception):
    """Bad input: the message names the file, the line and the value."""


def part(level, index):
    return os.path.join(VOLUME, "level-%d" % level, "part-%05d.csv" % index)


def read(path):
    """Yields (key, count, sum, min, max) from a sorted CSV file, checking the order as it goes."""
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise DataError("%s: no such file" % path)
    with f:
        previous = None
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split(",")
            if len(fields) != 5:
                raise DataError("%s:%d: expected key,count,sum,min,max, got %r" % (path, number, line.rstrip("\n")))
            key = fields[0]
            try:
                record = (key, int(fields[1]), float(fields[2]), float(fields[3]), float(fields[4]))
            except ValueError as e:
                raise DataError("%s:%d: %s in %r" % (path, number, e, line.rstrip("\n")))
            if previous is not None and key <= previous:
                raise DataError("%s:%d: not sorted by key: %r after %r (keys must be strictly increasing)"
                                % (path, number, key, previous))
            previous = key
            yield record


def merged(paths):
    """The sorted merge of the files with equal keys combined."""
    pending = None
    for key, count, total, low, high in heapq.merge(*(read(p) for p in paths), key=lambda r: r[0]):
        if pending is not None and pending[0] == key:
            pending = (key, pending[1] + count, pending[2] + total, min(pending[3], low), max(pending[4], high))
        else:
            if pending is not None:
                yield pending
            pending = (key, count, total, low, high)
    if pending is not None:
        yield pending


def write_atomically(path, lines):
    """Writes the lines to a hidden file beside path, then renames it: never a half-written file."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, ".%s.%d.inprogress" % (os.path.basename(path), os.getpid()))
    try:
        with open(temp, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def line(record):
    key, count, total, low, high = record
    return "%s,%d,%r,%r,%r\n" % (key, count, total, low, high)


class Manifest:
    """_SUCCESS: as Floe's native merge computes it, so the two results can be compared."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.distinct_keys = 0
        self.total_count = 0
        self.total_sum = 0.0

    def add(self, record):
        key, count, total, low, high = record
        self.sha.update(key.encode("utf-8"))
        self.sha.update(b"\x00" + struct.pack(">qddd", count, total, low, high))
        self.distinct_keys += 1
        self.total_count += count
        self.total_sum += total
        return record

    def json(self, source_records):
        return json.dumps({
            "records": source_records,
            "distinctKeys": self.distinct_keys,
            "totalCount": self.total_count,
            "totalSum": self.total_sum,
            "checksum": "sha256:" + self.sha.hexdigest(),
        }, indent=2) + "\n"


def source_records():
    """How many records the inputs (level-0) hold: the manifest's "records"."""
    level0 = os.path.join(VOLUME, "level-0")
    total = 0
    for name in sorted(os.listdir(level0)):
        if name.startswith("part-") and name.endswith(".csv"):
            with open(os.path.join(level0, name), "rb") as f:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return total


def main(run):
    """Runs a script's body; bad input gets one line on stderr and exit code 1."""
    try:
        run(sys.argv[1:], os.environ)
    except DataError as e:
        sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), e))
        sys.exit(1)
    except UsageError as e:
        sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), e))
        sys.exit(2)


class UsageError(Exception):
    """Wrong arguments or environment."""


def integer(name, value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError("%s must be an integer, got %r" % (name, value))

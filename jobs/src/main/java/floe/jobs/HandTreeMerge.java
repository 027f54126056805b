package floe.jobs;

import floe.connectors.avro.Codecs;
import floe.connectors.merge.Manifest;
import floe.connectors.merge.ManifestBuilder;
import floe.connectors.merge.MergeFiles;

import org.apache.avro.file.CodecFactory;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark's yardstick: the same tree merge, same files and shape, hand-written on a thread
 * pool as large as the machine's cores, with no framework at all. A merge starts as soon as its
 * own inputs are written, as Floe's do.
 */
final class HandTreeMerge {
    private HandTreeMerge() {}

    static Manifest run(List<Path> inputs, Path work, Path output, List<Integer> widths, String codec, int threads)
            throws IOException {
        CodecFactory codecFactory = Codecs.named(codec);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Path> previousFiles = inputs;
            List<CompletableFuture<Long>> previous = new ArrayList<>();
            inputs.forEach(p -> previous.add(CompletableFuture.completedFuture(0L)));
            ManifestBuilder manifest = new ManifestBuilder();
            List<CompletableFuture<Long>> level = previous;
            for (int l = 1; l <= widths.size(); l++) {
                int width = widths.get(l - 1);
                boolean last = l == widths.size();
                int fanIn = (previousFiles.size() + width - 1) / width;
                Path dir = last ? output : Layout.level(work, l);
                List<Path> files = new ArrayList<>();
                List<CompletableFuture<Long>> next = new ArrayList<>();
                for (int j = 0; j < width; j++) {
                    List<Path> mine = previousFiles.subList(fanIn * j, Math.min(fanIn * j + fanIn, previousFiles.size()));
                    List<CompletableFuture<Long>> deps = level.subList(fanIn * j, Math.min(fanIn * j + fanIn, level.size()));
                    Path out = last ? new Path(dir, Layout.RESULT) : Layout.part(dir, j);
                    ManifestBuilder m = last ? manifest : null;
                    boolean first = l == 1;
                    next.add(CompletableFuture.allOf(deps.toArray(new CompletableFuture[0])).thenApplyAsync(v -> {
                        try {
                            MergeFiles.Outcome o = MergeFiles.merge(mine, out, codecFactory, m);
                            return first ? o.recordsIn() : deps.stream().mapToLong(CompletableFuture::join).sum();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, pool));
                    files.add(out);
                }
                previousFiles = files;
                level = next;
            }
            long sourceRecords = Futures.get(level.get(0));
            Manifest result = manifest.build(sourceRecords);
            result.writeTo(new Path(output, Manifest.NAME));
            return result;
        } finally {
            pool.shutdownNow();
        }
    }
}

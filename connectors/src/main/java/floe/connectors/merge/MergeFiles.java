package floe.connectors.merge;

import floe.connectors.avro.MetricReader;
import floe.connectors.avro.MetricWriter;

import org.apache.avro.file.CodecFactory;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges sorted Metric files into one, committed atomically: the unit of work of every merge in
 * the reference case, whoever schedules it.
 *
 * <pre>{@code
 * MergeFiles.Outcome out = MergeFiles.merge(inputs, new Path("file:///w/level-1/part-00000.avro"),
 *         Codecs.named("snappy"), null);
 * }</pre>
 */
public final class MergeFiles {
    private MergeFiles() {}

    /** What a merge read and wrote; {@code bytesOut}: the length of the file it published. */
    public record Outcome(long recordsIn, long recordsOut, long bytesOut) {}

    /**
     * Merges {@code inputs} into {@code output}; when {@code manifest} is given, every record
     * written is added to it. Nothing appears at {@code output} unless the merge succeeds.
     */
    public static Outcome merge(List<Path> inputs, Path output, CodecFactory codec, ManifestBuilder manifest)
            throws IOException {
        return merge(inputs, null, output, codec, manifest);
    }

    /**
     * As {@link #merge(List, Path, CodecFactory, ManifestBuilder)}, with the inputs' lengths where
     * known ({@code lengths[i]} for {@code inputs.get(i)}, -1 or a null array: not known), which
     * spares asking an object store for them.
     */
    public static Outcome merge(List<Path> inputs, long[] lengths, Path output, CodecFactory codec, ManifestBuilder manifest)
            throws IOException {
        List<MetricReader> readers = new ArrayList<>(inputs.size());
        try (MetricWriter writer = MetricWriter.create(output, codec)) {
            for (int i = 0; i < inputs.size(); i++) {
                readers.add(MetricReader.open(inputs.get(i), lengths == null ? -1 : lengths[i]));
            }
            SortedMerge merge = SortedMerge.of(readers);
            long written = manifest == null
                    ? merge.into(writer::write)
                    : merge.into(m -> {
                        manifest.add(m);
                        writer.write(m);
                    });
            writer.commit();
            return new Outcome(merge.recordsIn(), written, writer.length());
        } finally {
            for (MetricReader r : readers) {
                r.close();
            }
        }
    }
}

package floe.jobs;

import floe.connectors.avro.Codecs;
import floe.connectors.merge.Manifest;
import floe.connectors.merge.ManifestBuilder;
import floe.connectors.merge.MergeFiles;

import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.List;

/** The benchmark's other yardstick: every input merged into the result at once, in one thread. */
final class OnePassMerge {
    private OnePassMerge() {}

    static Manifest run(List<Path> inputs, Path output, String codec) throws IOException {
        ManifestBuilder manifest = new ManifestBuilder();
        MergeFiles.Outcome o = MergeFiles.merge(inputs, new Path(output, Layout.RESULT), Codecs.named(codec), manifest);
        Manifest result = manifest.build(o.recordsIn());
        result.writeTo(new Path(output, Manifest.NAME));
        return result;
    }
}

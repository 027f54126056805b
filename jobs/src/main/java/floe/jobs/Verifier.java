package floe.jobs;

import floe.connectors.avro.MetricReader;
import floe.connectors.merge.Manifest;
import floe.connectors.merge.ManifestBuilder;
import floe.connectors.merge.SortedMerge;

import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a tree-merge result against a one-pass oracle: all inputs merged at once, in one
 * thread, with nothing written. The result's {@code _SUCCESS}, the manifest recomputed from
 * {@code result.avro} itself, and the oracle's must agree on every field.
 */
public final class Verifier {
    private Verifier() {}

    /** The three manifests and whether they agree. */
    public record Report(Manifest expected, Manifest written, Manifest recomputed) {
        public boolean ok() {
            return expected.equals(written)
                    && recomputed.distinctKeys() == written.distinctKeys()
                    && recomputed.totalCount() == written.totalCount()
                    && Double.compare(recomputed.totalSum(), written.totalSum()) == 0
                    && recomputed.checksum().equals(written.checksum());
        }
    }

    public static Report verify(String input, String result) throws IOException {
        Path resultDir = Layout.dir(result);
        Manifest written = Manifest.read(new Path(resultDir, Manifest.NAME));
        Manifest expected;
        try {
            expected = oracle(TreeMerge.listInputs(Layout.dir(input)));
        } catch (RuntimeException e) {
            throw floe.connectors.oss.OssErrors.at("--input " + Layout.dir(input), e);
        }
        Manifest recomputed = manifestOf(new Path(resultDir, Layout.RESULT));
        return new Report(expected, written, recomputed);
    }

    /** The manifest of merging {@code inputs} in one pass. */
    public static Manifest oracle(List<Path> inputs) throws IOException {
        List<MetricReader> readers = new ArrayList<>();
        try {
            for (Path p : inputs) {
                readers.add(MetricReader.open(p));
            }
            ManifestBuilder manifest = new ManifestBuilder();
            SortedMerge merge = SortedMerge.of(readers);
            merge.into(manifest::add);
            return manifest.build(merge.recordsIn());
        } finally {
            readers.forEach(MetricReader::close);
        }
    }

    /** The manifest of an existing result file; its record count is that of the file. */
    static Manifest manifestOf(Path resultFile) {
        try (MetricReader in = MetricReader.open(resultFile)) {
            ManifestBuilder manifest = new ManifestBuilder();
            while (in.next()) {
                manifest.add(in.current());
            }
            return manifest.build(in.records());
        }
    }
}

package floe.jobs;

import floe.connectors.merge.Manifest;

import org.apache.flink.core.fs.Path;

import java.io.File;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same generated inputs twice, as the command-task examples read them (CSV on a volume) and
 * as the native tree merge does (Avro), with the native merge's manifest to compare results with.
 */
public record ReferenceData(File volume, Manifest nativeManifest) {

    public static ReferenceData generate(File dir, int records) {
        File volume = new File(dir, "vol");
        File avro = new File(dir, "avro");
        assertThat(FloeRun.of("generate", "--format", "csv", "--out", volume.getPath(), "--records", Integer.toString(records)).exitCode()).isZero();
        assertThat(FloeRun.of("generate", "--out", avro.getPath(), "--records", Integer.toString(records)).exitCode()).isZero();
        FloeRun merge = FloeRun.of("tree-merge", "--input", avro + "/level-0", "--work", avro + "/work", "--output", avro + "/out");
        assertThat(merge.exitCode()).as(merge.err()).isZero();
        return new ReferenceData(volume, Manifest.read(new Path(new File(avro, "out/_SUCCESS").toURI())));
    }

    /** The manifest the scripts wrote on the volume. */
    public Manifest scriptsManifest() {
        return Manifest.read(new Path(new File(volume, "result/_SUCCESS").toURI()));
    }
}

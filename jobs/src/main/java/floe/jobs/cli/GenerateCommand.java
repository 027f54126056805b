package floe.jobs.cli;

import floe.jobs.InputGenerator;
import floe.jobs.Layout;

import org.apache.flink.core.fs.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code floe generate}: the reference case's input files. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write the reference inputs: DIR/level-0/part-%%05d.avro (or .csv), sorted Metric records.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where level-0/ goes (a path or URI).")
    String out;

    @Option(names = "--files", defaultValue = "128", description = "Number of files (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--records", defaultValue = "2000", description = "Records per file (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--keys", description = "Size of the key space (default 50 x --records).")
    Integer keys;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--codec", defaultValue = "snappy", description = "null, deflate, snappy or zstandard (default ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--format", defaultValue = "avro", description = "avro (part-N.avro) or csv (part-N.csv, for the command-task examples) (default ${DEFAULT-VALUE}).")
    String format;

    @picocli.CommandLine.Mixin
    FlinkConfig flink;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        flink.load();
        int keySpace = keys == null ? InputGenerator.defaultKeys(records) : keys;
        InputGenerator generator = new InputGenerator(files, records, keySpace, seed, codec, format);
        Path dir = Layout.level(Layout.dir(out), 0);
        long start = System.nanoTime();
        long written = generator.writeTo(dir, Runtime.getRuntime().availableProcessors());
        console.printf("generated %d files x %d records (%d keys, seed %d, %s) in %s in %.2f s%n",
                files, records, keySpace, seed, format.equals("csv") ? "csv" : codec, dir, (System.nanoTime() - start) / 1e9);
        return written == (long) files * records ? 0 : FloeCli.FAILED;
    }
}

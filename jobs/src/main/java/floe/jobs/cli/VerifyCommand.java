package floe.jobs.cli;

import floe.jobs.Verifier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code floe verify}: a result against a one-pass merge of its inputs. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Recompute the result in one pass over the inputs and compare manifests (exit 0 if they agree, 1 if not).")
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "URI", description = "Directory holding part-*.avro.")
    String input;

    @Option(names = "--result", required = true, paramLabel = "URI", description = "Directory holding result.avro and _SUCCESS.")
    String result;

    @picocli.CommandLine.Mixin
    FlinkConfig flink;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        flink.load();
        Verifier.Report report = Verifier.verify(input, result);
        if (report.ok()) {
            out.printf("verified: %d source records, %d distinct keys, total count %d, checksum %s%n",
                    report.written().records(), report.written().distinctKeys(), report.written().totalCount(),
                    report.written().checksum());
            out.flush();
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("floe: verification FAILED for " + result);
        err.println("  expected (one pass over " + input + "):");
        err.print(indent(report.expected().toJson()));
        err.println("  _SUCCESS says:");
        err.print(indent(report.written().toJson()));
        err.println("  result.avro holds:");
        err.print(indent(report.recomputed().toJson()));
        err.flush();
        return FloeCli.FAILED;
    }

    private static String indent(String json) {
        return json.replaceAll("(?m)^", "    ");
    }
}

package floe.jobs.cli;

import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --report FILE}: the run's page, one HTML file written when the run ends, well or not. */
final class ReportOption {
    @Option(names = "--report", paramLabel = "FILE",
            description = "Write the run's page to FILE when it ends (also after a failure): the graph of its stages"
                    + " coloured by phase, a timeline of its tasks, and each task's times, attempts, exit code, message"
                    + " and log files. One HTML file; it opens in a browser with no server and no network.")
    Path file;

    /** {@code conf} with the task records the report needs kept, when a report is asked for. */
    Configuration apply(Configuration conf) {
        if (file != null) {
            conf.set(FloeOptions.TASK_RECORDS, true);
        }
        return conf;
    }
}

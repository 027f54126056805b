package floe.jobs.submit;

import floe.compile.Plan;
import floe.run.ProgressListener;

import org.apache.flink.configuration.Configuration;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * A job ready to go to a cluster, whatever the target: the jobs jar, the arguments its main class
 * runs with there ({@code tree-merge ...}, {@code run FILE ...}), and the workflow's plan as the
 * client worked it out (for progress and the deadline).
 */
public record Submission(Path jobsJar, List<String> programArgs, Plan plan, Configuration conf, boolean detach,
        PrintWriter out, ProgressListener progress) {

    public Submission {
        programArgs = List.copyOf(programArgs);
    }
}

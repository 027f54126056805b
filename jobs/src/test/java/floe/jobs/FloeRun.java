package floe.jobs;

import floe.jobs.cli.FloeCli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process {@code floe} command: its exit code and what it printed. */
public record FloeRun(int exitCode, String out, String err) {

    public static FloeRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FloeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new FloeRun(code, out.toString(), err.toString());
    }
}

package floe.jobs.cli;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A command line models the subcommand typed alone; help, options and typos see them all. */
class FloeCliSubcommandsTest {
    private static final int ALL = FloeCli.commandLine().getSubcommands().size();

    private static CommandLine typed(String... args) {
        return FloeCli.commandLine(Invocation.ofThisJvm(), args);
    }

    @Test
    void aTypedSubcommandIsTheOnlyOneModelled() {
        assertThat(typed("tree-merge", "--input=in").getSubcommands()).containsOnlyKeys("tree-merge");
        assertThat(typed("submit", "tree-merge", "--work=w").getSubcommands()).containsOnlyKeys("submit");
    }

    @Test
    void helpOptionsAndUnknownWordsSeeEverySubcommand() {
        assertThat(ALL).isGreaterThan(15);
        assertThat(typed().getSubcommands()).hasSize(ALL);
        assertThat(typed("help", "tree-merge").getSubcommands()).hasSize(ALL);
        assertThat(typed("--help").getSubcommands()).hasSize(ALL);
        assertThat(typed("tree-merg").getSubcommands()).hasSize(ALL);
    }

    @Test
    void aSubcommandTypedAloneKeepsItsUsageAndParsing() {
        StringWriter out = new StringWriter();
        int code = typed("tree-merge", "--help").setOut(new PrintWriter(out)).execute("tree-merge", "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("Usage: floe tree-merge ");
        // what follows the job's name on `floe submit` is the job's, not submit's
        CommandLine.ParseResult submit = typed("submit", "tree-merge", "--work=w").parseArgs("submit", "tree-merge", "--work=w");
        assertThat(submit.subcommand().matchedPositionals()).hasSize(2);
    }

    @Test
    void aMistypedSubcommandIsStillNamedInTheError() {
        StringWriter err = new StringWriter();
        int code = typed("tree-merg").setErr(new PrintWriter(err)).execute("tree-merg");

        assertThat(code).isEqualTo(FloeCli.BAD_INPUT);
        assertThat(err.toString()).contains("tree-merg").contains("tree-merge");
    }
}

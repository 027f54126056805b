package floe.jobs.cli;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's {@code --help} renders as written: no picocli warning above it. */
class FloeCliHelpTest {
    @Test
    void everyCommandsHelpRendersWithoutAWarning() {
        List<CommandLine> all = new ArrayList<>();
        collect(FloeCli.commandLine(), all);
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        List<String> rendered = new ArrayList<>();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (CommandLine command : all) {
                rendered.add(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
            }
        } finally {
            System.setErr(err);
        }

        assertThat(all).extracting(CommandLine::getCommandName).contains("generate", "submit", "start");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(String.join("\n", rendered)).contains("DIR/level-0/part-%05d.avro");
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }
}

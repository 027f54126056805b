package floe.jobs.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmFlinkCommandTest {
    @Test
    void theWarmJvmTakesTheOptionsOfTheOneStartingItButNotThoseForASingleRun() {
        List<String> cmd = WarmFlink.command(List.of("-Xmx4g", "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4CompileThreshold=100000",
                "-XX:Tier4BackEdgeThreshold=400000", "-XX:ArchiveClassesAtExit=/tmp/x.jsa", "-XX:SharedArchiveFile=/tmp/y.jsa",
                "-Dfloe.home=/opt/floe"), "a.jar:lib/*", Path.of("/tmp/warm"));

        assertThat(cmd).contains("-Xmx4g", "-XX:SharedArchiveFile=/tmp/y.jsa", "-Dfloe.home=/opt/floe", "-Dfloe.log.dir=/tmp/warm")
                .noneMatch(a -> a.startsWith("-XX:Tier4") || a.startsWith("-XX:ArchiveClassesAtExit"));
        assertThat(cmd.subList(cmd.size() - 4, cmd.size())).containsExactly("-cp", "a.jar:lib/*", "floe.jobs.cli.WarmFlinkMain", "/tmp/warm");
    }
}

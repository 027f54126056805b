package floe.argo;

import floe.SpecException;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every broken spec in {@code src/test/resources/argo/broken} gets one message naming file, line,
 * column and spec path: compared with {@code broken.expected}. Rewrite the golden file after a
 * deliberate change with {@code mvn test -Dfloe.golden.update=true}.
 */
class BrokenArgoSpecsTest {
    private static final Path DIR = Path.of("src/test/resources/argo/broken");
    private static final Path GOLDEN = Path.of("src/test/resources/argo/broken.expected");
    private static final Path KUBECONFIG = Path.of("src/test/resources/argo/kubeconfig.yaml");

    @Test
    void eachBrokenSpecGetsOneMessageWithFileLineAndPath() throws IOException {
        StringBuilder got = new StringBuilder();
        List<Path> specs;
        try (Stream<Path> files = Files.list(DIR)) {
            specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(specs).hasSizeGreaterThanOrEqualTo(20);
        for (Path spec : specs) {
            try {
                ArgoOptions options = new ArgoOptions(Map.of(), Map.of(), "/tmp");
                // A resource template is refused without a kubeconfig; these specs are broken in other ways.
                if (Files.readString(spec).startsWith("# lint with a kubeconfig")) {
                    options = options.withKubeconfig(KUBECONFIG.toString());
                }
                ArgoWorkflows.fromYaml(spec, options);
                fail(spec + " was accepted");
            } catch (SpecException e) {
                assertThat(e.getMessage()).doesNotContain("\n").startsWith(spec.getFileName().toString() + ":");
                got.append(e.getMessage()).append('\n');
            }
        }
        if (Boolean.getBoolean("floe.golden.update")) {
            Files.writeString(GOLDEN, got.toString(), StandardCharsets.UTF_8);
        }
        assertThat(got.toString()).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }
}

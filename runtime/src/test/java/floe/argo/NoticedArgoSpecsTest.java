package floe.argo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spec in {@code src/test/resources/argo/noticed} loads, with one notice (file, line, column,
 * spec path, why it has no effect here) for each field Floe accepts without giving it an effect:
 * compared with {@code noticed.expected}. Rewrite the golden file after a deliberate change with
 * {@code mvn test -Dfloe.golden.update=true}.
 */
class NoticedArgoSpecsTest {
    private static final Path DIR = Path.of("src/test/resources/argo/noticed");
    private static final Path GOLDEN = Path.of("src/test/resources/argo/noticed.expected");

    @Test
    void eachNoticedFieldGetsOneLineAndTheWorkflowLoads() throws IOException {
        StringBuilder got = new StringBuilder();
        List<Path> specs;
        try (Stream<Path> files = Files.list(DIR)) {
            specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path spec : specs) {
            ArgoWorkflows.Loaded loaded = ArgoWorkflows.load(spec, List.of(), new ArgoOptions(Map.of(), Map.of(), "/tmp"));
            assertThat(loaded.workflow().stages()).isNotEmpty();
            got.append(spec.getFileName()).append(": ").append(loaded.notices().size()).append(" notices\n");
            loaded.notices().forEach(n -> got.append(n).append('\n'));
        }
        if (Boolean.getBoolean("floe.golden.update")) {
            Files.writeString(GOLDEN, got.toString(), StandardCharsets.UTF_8);
        }
        assertThat(got.toString()).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }
}

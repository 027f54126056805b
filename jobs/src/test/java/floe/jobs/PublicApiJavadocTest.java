package floe.jobs;

import floe.testutils.TestingFlinkCluster;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Javadoc of the API users program against builds with the project, to
 * {@code jobs/target/apidocs}, without a warning: doclint checks every comment's HTML, references
 * and tags. (Not that every parameter has a tag: the code's way is one line on what needs no more.)
 */
class PublicApiJavadocTest {
    /** The packages a user's program or test imports. */
    static final List<String> PUBLIC_PACKAGES = List.of("floe", "floe.model", "floe.run", "floe.testing",
            "floe.connectors.records", "floe.connectors.avro", "floe.connectors.merge", "floe.connectors.commit");

    @Test
    void publicApiJavadocHasNoWarnings() {
        Path home = TestingFlinkCluster.floeHome();
        String sources = String.join(File.pathSeparator, home.resolve("runtime/src/main/java").toString(),
                home.resolve("connectors/src/main/java").toString(), home.resolve("testing/src/main/java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> options = new ArrayList<>(List.of("-quiet", "-Xdoclint:all,-missing", "-notimestamp",
                "-d", home.resolve("jobs/target/apidocs").toString(), "-sourcepath", sources, "-classpath", classPath,
                "-doctitle", "Floe API"));
        options.addAll(PUBLIC_PACKAGES);
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();

        boolean built = javadoc.getTask(null, null, diagnostics, null, options, null).call();

        List<String> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.NOTE && d.getKind() != Diagnostic.Kind.OTHER)
                .map(d -> d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                        + d.getMessage(null))
                .toList();
        assertThat(problems).isEmpty();
        assertThat(built).isTrue();
        assertThat(home.resolve("jobs/target/apidocs/floe/testing/FloeExtension.html")).isRegularFile();
    }
}

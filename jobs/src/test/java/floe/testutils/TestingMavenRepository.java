package floe.testutils;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A Maven local repository of a test's own with this build's Floe installed in it, for building a
 * project that uses Floe offline as a user would, without installing anything into the build's own
 * local repository (other builds read it). Every other group is a link into the build's local
 * repository, so the libraries and plugins it already holds are found without a copy.
 */
public final class TestingMavenRepository {
    /** Floe's artifacts: name, POM in the source tree, jar in the build (null for a POM alone). */
    private static final String[][] ARTIFACTS = {
        {"floe-parent", "pom.xml", null},
        {"floe-bom", "bom/pom.xml", null},
        {"floe-runtime", "runtime/pom.xml", "runtime/target/floe-runtime-%s.jar"},
        {"floe-connectors", "connectors/pom.xml", "connectors/target/floe-connectors-%s.jar"},
        {"floe-testing", "testing/pom.xml", "testing/target/floe-testing-%s.jar"},
    };

    private TestingMavenRepository() {}

    /** Makes {@code dir} such a repository for the Floe built in {@code home}; returns it. */
    public static Path withFloe(Path home, Path dir) throws IOException {
        Path shared = Path.of(System.getProperty("floe.maven.repository",
                System.getProperty("user.home") + "/.m2/repository"));
        Files.createDirectories(dir);
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(shared)) {
            for (Path group : groups) {
                String name = group.getFileName().toString();
                if (!name.equals("floe") && Files.isDirectory(group)) {
                    Files.createSymbolicLink(dir.resolve(name), group);
                }
            }
        }
        String version = System.getProperty("floe.version", "0.1.0-SNAPSHOT");
        for (String[] a : ARTIFACTS) {
            Path target = Files.createDirectories(dir.resolve("floe").resolve(a[0]).resolve(version));
            Files.copy(home.resolve(a[1]), target.resolve(a[0] + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
            if (a[2] != null) {
                Path jar = home.resolve(String.format(a[2], version));
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " is missing: package the project first (mvn package)");
                }
                Files.copy(jar, target.resolve(a[0] + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /** The Maven of this build ({@code maven.home}), else {@code mvn} on the PATH. */
    public static String mvn() {
        String home = System.getProperty("floe.maven.home");
        return home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString();
    }
}

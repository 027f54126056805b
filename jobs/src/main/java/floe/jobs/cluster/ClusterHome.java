package floe.jobs.cluster;

import floe.SpecException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a session cluster's parts come from: the Flink configuration directory ({@code
 * config.yaml}, {@code log4j.properties}), the directory of Flink's jars (and {@code cluster-lib}
 * beside it), and the file of JVM options every Flink JVM needs on Java 17.
 */
public record ClusterHome(Path confDir, Path libDir, Path jvmArgs) {
    /** Beside {@code libDir}: jars only the cluster's JVMs use (the JobManager's web submission and UI). */
    static final String CLUSTER_LIB = "cluster-lib";


    /** The layout of a Floe checkout or distribution: {@code conf/session}, {@code jobs/target/flink-lib}. */
    public static ClusterHome of(Path floeHome) {
        Path home = floeHome.toAbsolutePath().normalize();
        return new ClusterHome(home.resolve("conf/session"), home.resolve("jobs/target/flink-lib"),
                home.resolve("conf/flink-jvm.args"));
    }

    /** The layout under {@code floe.home} (set by {@code bin/floe}), else under the working directory. */
    public static ClusterHome fromSystem() {
        return of(Path.of(System.getProperty("floe.home", ".")));
    }

    /** Checks the parts are there, naming what is missing. */
    public ClusterHome check() {
        if (!Files.isRegularFile(confDir.resolve("config.yaml"))) {
            throw new SpecException(confDir.resolve("config.yaml") + ": no such file (the session cluster's Flink configuration)");
        }
        if (!Files.isDirectory(libDir)) {
            throw new SpecException(libDir + ": no such directory (Flink's jars; build Floe with: mvn package -DskipTests)");
        }
        if (!Files.isRegularFile(jvmArgs)) {
            throw new SpecException(jvmArgs + ": no such file (the JVM options of Flink's JVMs)");
        }
        return this;
    }

    String classpath() {
        return libDir.resolve("*") + java.io.File.pathSeparator + libDir.resolveSibling(CLUSTER_LIB).resolve("*");
    }
}

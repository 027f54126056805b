package floe.run;

import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes Flink's file systems (local, and those in the plugins directory, e.g. {@code oss://}
 * through {@code flink-oss-fs-hadoop}) usable in this JVM with the given settings, the way a
 * Flink process does at start. An embedded Flink does not do this on its own: without it, a
 * plugin file system is unknown or runs without its {@code fs.*} settings.
 *
 * <pre>{@code
 * FileSystems.initialize(conf);   // plugins from $FLINK_PLUGINS_DIR (default ./plugins)
 * }</pre>
 */
public final class FileSystems {
    private FileSystems() {}

    /** The settings of the last {@link #initialize}: the same settings again change nothing. */
    private static java.util.Map<String, String> initializedWith;

    /**
     * Loads the plugins found under {@code $FLINK_PLUGINS_DIR} and configures every file system with
     * {@code conf}; a no-op when the last call had the same settings (loading the plugins again
     * costs about 0.1 s of a command's start).
     */
    public static synchronized void initialize(Configuration conf) {
        java.util.Map<String, String> settings = conf.toMap();
        if (settings.equals(initializedWith)) {
            return;
        }
        String dir = System.getenv().getOrDefault(ConfigConstants.ENV_FLINK_PLUGINS_DIR, ConfigConstants.DEFAULT_FLINK_PLUGINS_DIRS);
        // Without a plugins directory only the built-in file systems exist (and Flink would warn on every start).
        PluginManager plugins = Files.isDirectory(Path.of(dir)) ? PluginUtils.createPluginManagerFromRootFolder(conf) : null;
        FileSystem.initialize(conf, plugins);
        initializedWith = settings;
    }
}

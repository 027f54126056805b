package floe.run;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;

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

    /** Loads the plugins found under {@code $FLINK_PLUGINS_DIR} and configures every file system with {@code conf}. */
    public static void initialize(Configuration conf) {
        PluginManager plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
        FileSystem.initialize(conf, plugins);
    }
}

package floe.jobs.cli;

import floe.jobs.cluster.WarmFlink;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code floe up} and {@code floe down}: the warm local Flink that later runs on this machine use. */
final class WarmCommands {
    private WarmCommands() {}

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start a warm local Flink in the background: later 'floe run', 'tree-merge' and 'demo' submit to it",
                "instead of starting an embedded Flink, and pay neither the JVM's nor Flink's start (settings: FLINK_CONF_DIR's",
                "config.yaml, as for an embedded run; -D floe.warm=false on a run sets it aside). 'floe down' stops it."})
    static final class Up implements Callable<Integer> {
        @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "How long to wait for it (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            WarmFlink warm = WarmFlink.ofSystem();
            boolean was = warm.running().isPresent();
            WarmFlink.Running running = warm.start(Duration.ofSeconds(timeoutSeconds));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("warm local Flink %s at %s (pid %d, %d slots; log in %s)%n", was ? "already up" : "up", running.rest(),
                    running.process().pid(), running.slots(), warm.dir());
            out.println("floe run, tree-merge and demo run on it now; floe down stops it");
            out.flush();
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the warm local Flink of 'floe up' (jobs it runs are cancelled).")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            WarmFlink warm = WarmFlink.ofSystem();
            spec.commandLine().getOut().println(warm.stop() ? "stopped the warm local Flink" : "no warm local Flink runs (" + warm.dir() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}

package floe.run.rpc;

import floe.run.FloeOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;

/**
 * Gives the embedded Flink its {@link LocalRpcSystem}: only for settings that ask for it ({@code
 * floe.embedded.rpc: local}, which the embedded Flink's settings carry unless a user set
 * {@code pekko}); any other Flink (a session cluster's processes, a test's MiniCluster) gets
 * Flink's own.
 */
public final class LocalRpcSystemLoader implements RpcSystemLoader {
    /** Before Floe's classpath loader (-1) and Flink's own (0). */
    @Override
    public int getLoadPriority() {
        return -2;
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        if (!config.contains(FloeOptions.EMBEDDED_RPC) || config.get(FloeOptions.EMBEDDED_RPC) != FloeOptions.EmbeddedRpc.LOCAL) {
            throw new RpcLoaderException("floe.embedded.rpc is not local: Flink's own RPC system");
        }
        return new LocalRpcSystem();
    }
}

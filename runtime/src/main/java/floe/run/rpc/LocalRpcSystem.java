package floe.run.rpc;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;

import java.net.InetSocketAddress;

/**
 * Flink's RPC system for the embedded Flink, whose components share one JVM: local services only
 * ({@link LocalRpcService}). A remote service (a Flink of several processes) needs Flink's own,
 * Pekko, which {@code floe.embedded.rpc: pekko} gives the embedded Flink too.
 */
public final class LocalRpcSystem implements RpcSystem {
    @Override
    public RpcServiceBuilder localServiceBuilder(Configuration config) {
        return new Builder(config);
    }

    @Override
    public RpcServiceBuilder remoteServiceBuilder(Configuration config, String externalAddress, String externalPortRange) {
        throw new UnsupportedOperationException("the embedded Flink's local RPC reaches no other process:"
                + " set floe.embedded.rpc: pekko for Flink's own RPC");
    }

    @Override
    public String getRpcUrl(String hostname, int port, String endpointName, AddressResolution resolution, Configuration config) {
        throw new UnsupportedOperationException("the embedded Flink's local RPC has no network addresses");
    }

    @Override
    public InetSocketAddress getInetSocketAddressFromRpcUrl(String url) {
        throw new UnsupportedOperationException("the embedded Flink's local RPC has no network addresses: " + url);
    }

    /** Pekko's frame size: what Flink sizes its metric dumps to. */
    @Override
    public long getMaximumMessageSizeInBytes(Configuration config) {
        return MemorySize.parse(config.get(RpcOptions.FRAMESIZE)).getBytes();
    }

    private static final class Builder implements RpcServiceBuilder {
        private final Configuration config;
        private String componentName = "flink";

        Builder(Configuration config) {
            this.config = config;
        }

        @Override
        public RpcServiceBuilder withComponentName(String name) {
            this.componentName = name;
            return this;
        }

        /** A local service binds nothing. */
        @Override
        public RpcServiceBuilder withBindAddress(String bindAddress) {
            return this;
        }

        @Override
        public RpcServiceBuilder withBindPort(int bindPort) {
            return this;
        }

        /** Endpoints run on threads as they are busy, whatever pool Pekko would have had. */
        @Override
        public RpcServiceBuilder withExecutorConfiguration(FixedThreadPoolExecutorConfiguration configuration) {
            return this;
        }

        @Override
        public RpcServiceBuilder withExecutorConfiguration(ForkJoinExecutorConfiguration configuration) {
            return this;
        }

        @Override
        public RpcService createAndStart() {
            return new LocalRpcService(componentName, config.get(RpcOptions.ASK_TIMEOUT_DURATION), config.get(RpcOptions.CAPTURE_ASK_CALLSTACK));
        }
    }
}

package floe.run;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;

import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Flink's RPC system (Pekko) loaded from the application's classpath, where {@code bin/floe} puts
 * {@code flink-rpc-akka.jar} beside Flink's bundle ({@code jobs/target/flink-lib/}).
 *
 * <p>Flink's own loader ({@code PekkoRpcSystemLoader}) copies that 24 MB jar out of {@code
 * flink-rpc-akka-loader}'s into a temporary file at every start and loads its 10,000 classes
 * through a class loader of its own: they are parsed and verified anew each time, since no
 * class-sharing archive holds the classes of such a loader. From the classpath they come from the
 * archive {@code bin/floe} records, and the copy is not made: about 0.35 s less at each start of
 * an embedded Flink. Where the jar is not on the classpath (a Flink distribution's JVMs, a job
 * jar in a Flink client, the tests), this loader declines and Flink's loads the RPC system.
 */
public final class ClasspathRpcSystemLoader implements RpcSystemLoader {
    private static final String PEKKO_RPC_SYSTEM = "org/apache/flink/runtime/rpc/pekko/PekkoRpcSystem.class";

    private final ClassLoader classpath;

    /** Found by Flink through {@code META-INF/services}: the classpath this class came from. */
    public ClasspathRpcSystemLoader() {
        this(ClasspathRpcSystemLoader.class.getClassLoader());
    }

    ClasspathRpcSystemLoader(ClassLoader classpath) {
        this.classpath = classpath;
    }

    /** Before Flink's own loader, whose priority is 0. */
    @Override
    public int getLoadPriority() {
        return -1;
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        if (classpath.getResource(PEKKO_RPC_SYSTEM) == null) {
            throw new RpcLoaderException("flink-rpc-akka.jar is not on the classpath; Flink's own loader takes it from flink-rpc-akka-loader");
        }
        Iterator<RpcSystem> systems = ServiceLoader.load(RpcSystem.class, classpath).iterator();
        if (!systems.hasNext()) {
            throw new RpcLoaderException("flink-rpc-akka.jar on the classpath names no RPC system in META-INF/services");
        }
        return systems.next();
    }
}

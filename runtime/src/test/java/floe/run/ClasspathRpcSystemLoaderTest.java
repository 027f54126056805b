package floe.run;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClasspathRpcSystemLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theRpcSystemComesFromTheClasspathWhereItsJarLies() throws Exception {
        // bin/floe's classpath: flink-rpc-akka.jar, as the build takes it out of flink-rpc-akka-loader's.
        Path jar = dir.resolve("flink-rpc-akka.jar");
        try (InputStream in = RpcSystem.class.getClassLoader().getResourceAsStream("flink-rpc-akka.jar")) {
            assertThat(in).as("flink-rpc-akka.jar inside flink-rpc-akka-loader").isNotNull();
            Files.copy(in, jar);
        }
        try (URLClassLoader classpath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
                RpcSystem rpc = new ClasspathRpcSystemLoader(classpath).loadRpcSystem(new Configuration())) {
            assertThat(rpc.getClass().getName()).isEqualTo("org.apache.flink.runtime.rpc.pekko.PekkoRpcSystem");
            assertThat(rpc.getClass().getClassLoader()).as("no class loader of its own").isSameAs(classpath);

            RpcService service = rpc.localServiceBuilder(new Configuration()).createAndStart();
            try {
                assertThat(service.getAddress()).isNotNull();
            } finally {
                service.closeAsync().get();
            }
        }
    }

    @Test
    void withoutTheJarOnTheClasspathItLeavesTheRpcSystemToFlinksLoader() throws Exception {
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> new ClasspathRpcSystemLoader(bare).loadRpcSystem(new Configuration()))
                    .isInstanceOf(RpcLoaderException.class).hasMessageContaining("flink-rpc-akka.jar is not on the classpath");
        }
        // The tests' own classpath is such a one: Flink's loader takes it, and hands it wrapped in
        // what removes its temporary copy of the jar when closed.
        try (RpcSystem rpc = RpcSystem.load()) {
            assertThat(rpc.getClass().getName()).isEqualTo("org.apache.flink.runtime.rpc.CleanupOnCloseRpcSystem");
        }
    }

    @Test
    void itIsAskedBeforeFlinksOwnLoader() {
        assertThat(java.util.ServiceLoader.load(org.apache.flink.runtime.rpc.RpcSystemLoader.class).stream()
                .map(p -> p.get()).filter(l -> l instanceof ClasspathRpcSystemLoader)).hasSize(1);
        assertThat(new ClasspathRpcSystemLoader().getLoadPriority()).isLessThan(0);
    }
}

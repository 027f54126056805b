package floe.service.argo;

import floe.service.BatchService;
import floe.service.BatchServiceOptions;

import org.apache.flink.configuration.Configuration;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code floe server} for tests, as {@code bin/floe server} starts it: the Batch service with the
 * Argo side, on a free port of this machine, its database and data under {@code DIR/data}, on the
 * embedded Flink; commands run in {@code DIR} unless an image directory is given.
 *
 * <pre>{@code
 * try (BatchService server = TestingArgoServer.start(dir, "argo:tok", new Configuration())) {
 *     ArgoClient argo = new ArgoClient(server.endpoint(), "Bearer tok");
 * }
 * }</pre>
 */
final class TestingArgoServer {
    private TestingArgoServer() {}

    /** {@code tokens}: as {@code FLOE_SERVER_TOKENS} ({@code NAMESPACES:TOKEN ...}); {@code settings}: more of the server's settings. */
    static BatchService start(Path dir, String tokens, Configuration settings) {
        return start(dir, tokens, settings, Map.of(), dir.toString());
    }

    /** As above, with the workflows' volumes ({@code --volume NAME=DIR}) and where their images' commands run ({@code --image-dir}). */
    static BatchService start(Path dir, String tokens, Configuration settings, Map<String, String> volumes, String imageDir) {
        Configuration conf = new Configuration(settings);
        conf.set(BatchServiceOptions.PORT, 0);
        conf.set(BatchServiceOptions.DATA_DIR, dir.resolve("data").toString());
        return BatchService.start(conf, Map.of(), "AKID", "secret", shared -> ArgoServer.start(shared, volumes, imageDir, tokens));
    }
}

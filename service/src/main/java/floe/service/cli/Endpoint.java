package floe.service.cli;

import floe.SpecException;
import floe.service.BatchClient;

import picocli.CommandLine.Option;

import java.net.URI;

/** Where the service is, and the credentials to sign with (from the environment). */
final class Endpoint {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The Batch service (default: $FLOE_BATCH_ENDPOINT, else http://127.0.0.1:8000).")
    String endpoint;

    BatchClient client(java.util.Map<String, String> env) {
        String url = endpoint != null ? endpoint : env.getOrDefault("FLOE_BATCH_ENDPOINT", "http://127.0.0.1:8000");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SpecException("--endpoint: '" + url + "' is not a URL: " + e.getMessage());
        }
        return BatchClient.of(uri, credential(env, "FLOE_BATCH_ACCESS_KEY_ID"), credential(env, "FLOE_BATCH_SECRET_ACCESS_KEY"));
    }

    static String credential(java.util.Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new SpecException(name + " is not set: the Batch service checks every request against its credentials");
        }
        return value;
    }
}

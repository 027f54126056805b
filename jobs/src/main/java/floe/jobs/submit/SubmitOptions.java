package floe.jobs.submit;

import org.apache.flink.configuration.Configuration;

import java.net.URI;
import java.util.Optional;

/**
 * The options of {@code floe submit} the targets read: the REST address for {@code rest}, the
 * Authorization header's value (from {@code FLOE_REST_AUTHORIZATION}, never from the command
 * line, so that it stays out of shell histories and process lists), and the Flink settings.
 */
public record SubmitOptions(Optional<URI> rest, Optional<String> authorization, Configuration conf) {}

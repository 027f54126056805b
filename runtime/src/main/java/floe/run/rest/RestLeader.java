package floe.run.rest;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.highavailability.ClientHighAvailabilityServices;
import org.apache.flink.runtime.highavailability.HighAvailabilityServicesUtils;
import org.apache.flink.runtime.leaderretrieval.LeaderRetrievalListener;
import org.apache.flink.runtime.leaderretrieval.LeaderRetrievalService;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The REST address of a highly available cluster's leading JobManager, as Flink's clients find it:
 * from the cluster's high-availability services (ZooKeeper, Kubernetes) named by the client's
 * configuration.
 *
 * <pre>{@code
 * Optional<URI> leader = RestLeader.lookup(GlobalConfiguration.loadConfiguration("log/session/conf"), Duration.ofSeconds(10));
 * }</pre>
 */
public final class RestLeader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestLeader.class);

    private RestLeader() {}

    /** The leader's REST address, or empty when none is known within {@code timeout} (an election under way, ZooKeeper away). */
    public static Optional<URI> lookup(Configuration conf, Duration timeout) {
        CompletableFuture<String> leader = new CompletableFuture<>();
        try (ClientHighAvailabilityServices services = HighAvailabilityServicesUtils.createClientHAService(conf,
                error -> leader.completeExceptionally(error))) {
            LeaderRetrievalService retrieval = services.getClusterRestEndpointLeaderRetriever();
            retrieval.start(new LeaderRetrievalListener() {
                @Override
                public void notifyLeaderAddress(String address, UUID session) {
                    if (address != null && !address.isEmpty()) {
                        leader.complete(address);
                    }
                }

                @Override
                public void handleError(Exception error) {
                    leader.completeExceptionally(error);
                }
            });
            try {
                return Optional.of(URI.create(leader.get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
            } finally {
                retrieval.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.warn("no leading JobManager known to the cluster's high-availability services: {}", e.toString());
            return Optional.empty();
        }
    }
}

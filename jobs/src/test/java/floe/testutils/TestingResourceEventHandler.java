package floe.testutils;

import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.resourcemanager.active.ResourceEventHandler;
import org.apache.flink.runtime.clusterframework.types.ResourceIDRetrievable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A resource manager's side of a resource manager driver: records what the driver tells it. */
public final class TestingResourceEventHandler<W extends ResourceIDRetrievable> implements ResourceEventHandler<W> {
    public final List<W> recovered = new ArrayList<>();
    public final List<ResourceID> terminated = new ArrayList<>();
    public final List<Throwable> errors = new ArrayList<>();

    @Override
    public synchronized void onPreviousAttemptWorkersRecovered(Collection<W> recoveredWorkers) {
        recovered.addAll(recoveredWorkers);
    }

    @Override
    public synchronized void onWorkerTerminated(ResourceID resourceId, String diagnostics) {
        terminated.add(resourceId);
    }

    @Override
    public synchronized void onError(Throwable exception) {
        errors.add(exception);
    }
}

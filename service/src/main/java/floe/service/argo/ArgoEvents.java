package floe.service.argo;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Workflow changes as they happen, for the watch streams: ADDED, MODIFIED, DELETED with the workflow object. */
final class ArgoEvents {
    record Event(String type, ObjectNode workflow) {}

    private final CopyOnWriteArrayList<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

    Runnable subscribe(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(String type, ObjectNode workflow) {
        Event e = new Event(type, workflow.deepCopy());
        for (Consumer<Event> l : listeners) {
            l.accept(e);
        }
    }
}

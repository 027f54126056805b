package floe.exec;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Parameter scoping: a stage's parameters override the workflow's. */
final class Parameters {
    private Parameters() {}

    static SortedMap<String, String> merge(Map<String, String> workflow, Map<String, String> stage) {
        TreeMap<String, String> merged = new TreeMap<>(workflow);
        merged.putAll(stage);
        return Collections.unmodifiableSortedMap(merged);
    }
}

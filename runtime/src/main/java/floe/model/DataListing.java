package floe.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Argo's {@code data} template as an action: the keys of the objects under {@code location} (an
 * artifact's location, with its store's {@code options}: endpoint, the files its credentials are
 * read from), relative to {@code root} (the bucket's), sorted, then each of {@code transformations}
 * (Argo's expr, over {@code data}, the value so far) in turn; the last value, as JSON, is the task's result.
 */
public record DataListing(String location, String root, Map<String, String> options, List<String> transformations)
        implements Command.Action {
    private static final long serialVersionUID = 1L;

    public DataListing {
        Objects.requireNonNull(location, "location");
        if (!location.startsWith(root)) {
            throw new IllegalArgumentException(location + " is not under " + root);
        }
        options = new TreeMap<>(options);
        transformations = List.copyOf(transformations);
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>(List.of("list", location));
        transformations.forEach(t -> out.addAll(List.of("|", t)));
        return out;
    }
}

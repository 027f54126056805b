package floe.exec;

import floe.model.DataListing;
import floe.model.TaskContext;
import floe.expr.Templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link DataListing} (Argo's {@code data} template): lists the keys under its location
 * through the store's file system (the artifact's own, as {@link ObjectStores} makes it), applies its
 * expressions one after another, and reports the last value as JSON, the task's result (and its
 * log, {@code task-N.attempt-M.out}).
 */
final class DataListings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataListings() {}

    static void run(DataListing listing, TaskContext ctx, java.nio.file.Path logDir, String name) throws IOException {
        Path location = new Path(listing.location());
        FileSystem fs = ObjectStores.of(location, listing.options());
        List<String> keys = new ArrayList<>();
        if (fs.exists(location)) {
            collect(fs, location, listing.root(), keys);
        }
        keys.sort(null);
        Object data = keys;
        for (int i = 0; i < listing.transformations().size(); i++) {
            data = Templates.value(listing.transformations().get(i), Map.of("data", data), "data.transformation[" + i + "]");
        }
        String result = json(data);
        java.nio.file.Files.writeString(logDir.resolve(name + ".out"), result);
        ctx.result(result);
    }

    /** The keys of the objects at or under {@code at}, relative to {@code root}. */
    private static void collect(FileSystem fs, Path at, String root, List<String> keys) throws IOException {
        FileStatus status = fs.getFileStatus(at);
        if (!status.isDir()) {
            keys.add(key(status.getPath(), root));
            return;
        }
        FileStatus[] listed = fs.listStatus(at);
        for (FileStatus s : listed == null ? new FileStatus[0] : listed) {
            if (s.isDir()) {
                collect(fs, s.getPath(), root, keys);
            } else {
                keys.add(key(s.getPath(), root));
            }
        }
    }

    private static String key(Path path, String root) {
        String under = new Path(root).toUri().getPath();
        under = under == null || under.isEmpty() ? "/" : under.endsWith("/") ? under : under + "/";
        String at = path.toUri().getPath();
        return at.startsWith(under) ? at.substring(under.length()) : at.replaceFirst("^/", "");
    }

    /** The value as JSON: Jackson writes JEXL's lists, arrays, maps, numbers and texts as they are. */
    private static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }
}

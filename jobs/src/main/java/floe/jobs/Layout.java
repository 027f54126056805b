package floe.jobs;

import org.apache.flink.core.fs.Path;

/** Where the reference case's files live: names are {@code part-%05d.avro}. */
public final class Layout {
    public static final String RESULT = "result.avro";

    private Layout() {}

    public static String partName(int index) {
        return String.format("part-%05d.avro", index);
    }

    public static Path part(Path dir, int index) {
        return new Path(dir, partName(index));
    }

    /** {@code level-N} under the work location. */
    public static Path level(Path work, int level) {
        return new Path(work, "level-" + level);
    }

    /** A directory URI, whether or not the user wrote the trailing slash. */
    public static Path dir(String uri) {
        String trimmed = uri.endsWith("/") && uri.length() > 1 ? uri.substring(0, uri.length() - 1) : uri;
        Path p = new Path(trimmed);
        return p.toUri().getScheme() == null ? new Path(new java.io.File(trimmed).getAbsoluteFile().toURI().toString()) : p;
    }
}

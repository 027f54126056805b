package floe.testutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which files a directory holds, each by its identity: inode (the file system's key) and
 * modification time. A task that runs again publishes a new file under the name, so a finished
 * task left alone keeps both: fault tests compare this before and after a failover.
 */
public final class FileIdentities {
    private FileIdentities() {}

    /** The identities of the files in {@code dir} whose names match {@code nameRegex}, by name. */
    public static Map<String, String> of(Path dir, String nameRegex) throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches(nameRegex)).toList()) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                all.put(f.getFileName().toString(), a.fileKey() + "@" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            }
        }
        return all;
    }
}

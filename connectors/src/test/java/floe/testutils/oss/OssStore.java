package floe.testutils.oss;

import floe.testutils.Crc64;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects of the testing OSS server: each object's bytes in a file of its own on disk, its
 * metadata in a sorted map per bucket (so listings come out in key order, as OSS lists). An object
 * is replaced in one step: its new bytes are complete on disk before the map points at them.
 */
final class OssStore {
    /** One stored object; {@code type} is OSS's {@code Normal} or {@code Multipart}. */
    record StoredObject(String key, Path file, long size, String etag, String crc64, Instant modified, String type) {}

    /** One part of a multipart upload. */
    record Part(int number, Path file, long size, String etag, String crc64) {}

    /** A multipart upload in progress. */
    record Upload(String id, String bucket, String key, Instant initiated, NavigableMap<Integer, Part> parts) {}

    private final Path root;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong files = new AtomicLong();

    OssStore(Path root) {
        this.root = root;
    }

    void createBucket(String name) throws IOException {
        Files.createDirectories(root.resolve(name));
        buckets.putIfAbsent(name, new ConcurrentSkipListMap<>());
    }

    boolean hasBucket(String name) {
        return buckets.containsKey(name);
    }

    NavigableMap<String, StoredObject> bucket(String name) {
        return buckets.get(name);
    }

    StoredObject get(String bucket, String key) {
        return buckets.get(bucket).get(key);
    }

    /** Reads {@code body} to its end into a new file; returns it with its size, MD5 and CRC-64. */
    Part receive(InputStream body, int partNumber, String bucket) throws IOException {
        Path file = root.resolve(bucket).resolve("data-" + files.incrementAndGet());
        MessageDigest md5 = md5();
        Crc64 crc = new Crc64();
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = body.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                md5.update(buf, 0, n);
                crc.update(buf, 0, n);
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new Part(partNumber, file, size, HexFormat.of().withUpperCase().formatHex(md5.digest()), crc.text());
    }

    StoredObject put(String bucket, String key, Part data, String type) throws IOException {
        StoredObject o = new StoredObject(key, data.file(), data.size(), data.etag(), data.crc64(), Instant.now(), type);
        StoredObject old = buckets.get(bucket).put(key, o);
        if (old != null && !old.file().equals(data.file())) {
            Files.deleteIfExists(old.file());
        }
        return o;
    }

    StoredObject copy(String fromBucket, String fromKey, String bucket, String key) throws IOException {
        StoredObject src = get(fromBucket, fromKey);
        Path file = root.resolve(bucket).resolve("data-" + files.incrementAndGet());
        Files.copy(src.file(), file, StandardCopyOption.REPLACE_EXISTING);
        return put(bucket, key, new Part(0, file, src.size(), src.etag(), src.crc64()), src.type());
    }

    boolean delete(String bucket, String key) throws IOException {
        StoredObject old = buckets.get(bucket).remove(key);
        if (old != null) {
            Files.deleteIfExists(old.file());
        }
        return old != null;
    }

    Upload initiate(String bucket, String key) {
        Upload u = new Upload(UUID.randomUUID().toString().replace("-", "").toUpperCase(), bucket, key, Instant.now(),
                new ConcurrentSkipListMap<>());
        uploads.put(u.id(), u);
        return u;
    }

    Upload upload(String id) {
        return uploads.get(id);
    }

    List<Upload> uploads(String bucket) {
        return uploads.values().stream().filter(u -> u.bucket().equals(bucket))
                .sorted(java.util.Comparator.comparing(Upload::key).thenComparing(Upload::initiated)).toList();
    }

    void addPart(Upload u, Part p) throws IOException {
        Part old = u.parts().put(p.number(), p);
        if (old != null) {
            Files.deleteIfExists(old.file());
        }
    }

    /** Joins the given parts in order into the object; the upload is gone afterwards. */
    StoredObject complete(Upload u, List<Integer> partNumbers) throws IOException {
        Path file = root.resolve(u.bucket()).resolve("data-" + files.incrementAndGet());
        MessageDigest etags = md5();
        Crc64 crc = new Crc64();
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n : partNumbers) {
                Part p = u.parts().get(n);
                etags.update(HexFormat.of().parseHex(p.etag()));
                try (InputStream in = Files.newInputStream(p.file())) {
                    for (int r; (r = in.read(buf)) > 0; ) {
                        out.write(buf, 0, r);
                        crc.update(buf, 0, r);
                        size += r;
                    }
                }
            }
        }
        abort(u);
        String etag = HexFormat.of().withUpperCase().formatHex(etags.digest()) + "-" + partNumbers.size();
        return put(u.bucket(), u.key(), new Part(0, file, size, etag, crc.text()), "Multipart");
    }

    void abort(Upload u) throws IOException {
        uploads.remove(u.id());
        for (Part p : u.parts().values()) {
            Files.deleteIfExists(p.file());
        }
    }

    int pendingUploads() {
        return uploads.size();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }
}

package floe.connectors.oss;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.WrappingProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The OSS client inside Flink's OSS file system ({@code flink-oss-fs-hadoop}), used directly for
 * what a task does to an object, each in the fewest requests: its length (one HEAD), its bytes
 * (ranged GETs sized to the object, none beyond it) and publishing a staged file (one PUT, or one
 * multipart upload). Through the file system each of these costs more: hadoop-aliyun's
 * {@code open} asks for the object's status first (a HEAD, even when the caller knows the length)
 * and reads 512 KiB ranges with read-ahead; its {@code create} asks for the status of the target
 * (a HEAD, and for a missing key a HEAD of {@code KEY/} and a LIST: "is it a directory").
 *
 * <p>The client lives in the plugin's class loader, so it is reached and called by reflection:
 * {@code HadoopFileSystem.getHadoopFileSystem()}, {@code AliyunOSSFileSystem.getStore()}, its
 * {@code ossClient} and {@code bucketName}. Where that fails (another file system, another plugin
 * version) {@link #of} gives nothing and callers use the file system as before. The client's
 * settings (endpoint, credentials, {@code fs.oss.attempts.maximum}, timeouts) are the file
 * system's own, as is the part size of uploads ({@code fs.oss.multipart.upload.size}).
 *
 * <pre>{@code
 * DirectOss oss = DirectOss.of(path.getFileSystem());   // null unless oss://
 * FSDataInputStream in = oss.open(path, knownLength);
 * oss.upload(target, stagedFile);
 * }</pre>
 */
public final class DirectOss {
    private static final Logger LOG = LoggerFactory.getLogger(DirectOss.class);
    /** The largest range one GET asks for: the reader holds one range in memory at a time. */
    static final long MAX_READ = 2L << 20;
    /** Tries of one range or one part whose transfer broke off (the client retries failed requests itself). */
    private static final int TRANSFER_TRIES = 3;
    private static final Map<FileSystem, Optional<DirectOss>> CLIENTS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Object client;
    private final String bucket;
    private final String encryption;
    private final long partSize;
    private final ClassLoader loader;

    private DirectOss(Object client, String bucket, String encryption, long partSize) {
        this.client = client;
        this.bucket = bucket;
        this.encryption = encryption;
        this.partSize = partSize;
        this.loader = client.getClass().getClassLoader();
    }

    /** The client under {@code fs}, or null when {@code fs} is not Flink's OSS file system. */
    public static DirectOss of(FileSystem fs) {
        FileSystem inner = fs;
        while (inner instanceof WrappingProxy<?> w && w.getWrappedDelegate() instanceof FileSystem d && d != inner) {
            inner = d;
        }
        if (!inner.getClass().getName().startsWith("org.apache.flink.fs.osshadoop.")) {
            return null;
        }
        FileSystem key = inner;
        return CLIENTS.computeIfAbsent(key, DirectOss::reach).orElse(null);
    }

    private static Optional<DirectOss> reach(FileSystem flinkFs) {
        try {
            Object hadoopFs = flinkFs.getClass().getMethod("getHadoopFileSystem").invoke(flinkFs);
            Object store = hadoopFs.getClass().getMethod("getStore").invoke(hadoopFs);
            Object client = field(store, "ossClient");
            String bucket = (String) field(store, "bucketName");
            Object sse = field(store, "serverSideEncryptionAlgorithm");
            Object part = field(store, "uploadPartSize");
            if (client == null || bucket == null) {
                return Optional.empty();
            }
            return Optional.of(new DirectOss(client, bucket, sse == null ? "" : sse.toString(),
                    part instanceof Long p && p > 0 ? p : 100L << 20));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("OSS client not reachable under {} ({}): using the file system's own calls", flinkFs.getClass().getName(), e.toString());
            return Optional.empty();
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** The object's key: the path without its leading slash, as hadoop-aliyun maps it. */
    static String key(Path path) {
        String p = path.toUri().getPath();
        return p.startsWith("/") ? p.substring(1) : p;
    }

    /** The part size uploads are split at ({@code fs.oss.multipart.upload.size}). */
    public long partSize() {
        return partSize;
    }

    /** The object's length: one HEAD. */
    public long length(Path path) {
        Object meta = call(client, "getObjectMetadata", new Class<?>[] {String.class, String.class}, bucket, key(path));
        return (Long) call(meta, "getContentLength", new Class<?>[0]);
    }

    /**
     * The object of {@code length} bytes for reading, its first range fetched before this returns
     * (so a missing or refused object fails here): ranges of at most {@link #MAX_READ}, all of one
     * size, as many as the length needs (a 1 MiB object is one GET).
     */
    public FSDataInputStream open(Path path, long length) throws IOException {
        RangedInput in = new RangedInput(this, key(path), length);
        in.fill(0);
        return in;
    }

    /** Exactly {@code n} bytes from {@code start} into {@code buf}: one ranged GET, tried again if the transfer breaks off. */
    void read(String key, long start, byte[] buf, int n) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                readOnce(key, start, buf, n);
                return;
            } catch (IOException e) {
                if (attempt >= TRANSFER_TRIES) {
                    throw e;
                }
                LOG.debug("range {}-{} of {} broke off ({}), trying again", start, start + n - 1, key, e.toString());
            }
        }
    }

    private void readOnce(String key, long start, byte[] buf, int n) throws IOException {
        Object request = construct("com.aliyun.oss.model.GetObjectRequest", new Class<?>[] {String.class, String.class}, bucket, key);
        call(request, "setRange", new Class<?>[] {long.class, long.class}, start, start + n - 1);
        Object object = call(client, "getObject", new Class<?>[] {request.getClass()}, request);
        try (AutoCloseable closing = (AutoCloseable) object) {
            Object meta = call(object, "getObjectMetadata", new Class<?>[0]);
            long sent = (Long) call(meta, "getContentLength", new Class<?>[0]);
            if (sent != n) {
                // OSS answers a range beyond the object with the whole object: it is not the length we were told
                throw new IOException(String.format("oss://%s/%s: asked for bytes %d-%d, got %d bytes: the object changed while read",
                        bucket, key, start, start + n - 1, sent));
            }
            InputStream in = (InputStream) call(object, "getObjectContent", new Class<?>[0]);
            int got = 0;
            while (got < n) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    throw new EOFException(String.format("oss://%s/%s: the answer ended after %d of %d bytes", bucket, key, got, n));
                }
                got += r;
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * Publishes {@code staged} under {@code target}, replacing any object there: one PUT up to the
     * part size, else one multipart upload (initiate, parts, complete), aborted if a part cannot
     * be sent. Nothing is asked before: the target's status does not matter to an upload. Refused
     * credentials or an unknown bucket come out as the client's exception, any other failure as
     * an {@link IOException}.
     */
    public void upload(Path target, File staged) throws IOException {
        String key = key(target);
        long size = staged.length();
        try {
            if (size <= partSize) {
                call(client, "putObject", new Class<?>[] {String.class, String.class, File.class, cls("com.aliyun.oss.model.ObjectMetadata")},
                        bucket, key, staged, metadata(size));
                return;
            }
            multipart(key, staged, size);
        } catch (RuntimeException e) {
            if (OssErrors.isBadSettings(e)) {
                throw e; // the caller reports the location and the hint, as for any request
            }
            throw new IOException(OssErrors.describe(e), e);
        }
    }

    private void multipart(String key, File staged, long size) throws IOException {
        Object init = construct("com.aliyun.oss.model.InitiateMultipartUploadRequest", new Class<?>[] {String.class, String.class}, bucket, key);
        call(init, "setObjectMetadata", new Class<?>[] {cls("com.aliyun.oss.model.ObjectMetadata")}, metadata(-1));
        String uploadId = (String) call(call(client, "initiateMultipartUpload", new Class<?>[] {init.getClass()}, init), "getUploadId", new Class<?>[0]);
        try {
            List<Object> etags = new ArrayList<>();
            int parts = (int) ((size + partSize - 1) / partSize);
            for (int i = 0; i < parts; i++) {
                long offset = i * partSize;
                etags.add(part(key, uploadId, staged, i + 1, offset, Math.min(partSize, size - offset)));
            }
            Object complete = construct("com.aliyun.oss.model.CompleteMultipartUploadRequest",
                    new Class<?>[] {String.class, String.class, String.class, List.class}, bucket, key, uploadId, etags);
            call(client, "completeMultipartUpload", new Class<?>[] {complete.getClass()}, complete);
        } catch (IOException | RuntimeException e) {
            try {
                Object abort = construct("com.aliyun.oss.model.AbortMultipartUploadRequest",
                        new Class<?>[] {String.class, String.class, String.class}, bucket, key, uploadId);
                call(client, "abortMultipartUpload", new Class<?>[] {abort.getClass()}, abort);
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    private Object part(String key, String uploadId, File staged, int number, long offset, long length) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = java.nio.file.Files.newInputStream(staged.toPath())) {
                in.skipNBytes(offset);
                Object request = construct("com.aliyun.oss.model.UploadPartRequest",
                        new Class<?>[] {String.class, String.class, String.class, int.class, InputStream.class, long.class},
                        bucket, key, uploadId, number, in, length);
                return call(call(client, "uploadPart", new Class<?>[] {request.getClass()}, request), "getPartETag", new Class<?>[0]);
            } catch (RuntimeException e) {
                if (attempt >= TRANSFER_TRIES) {
                    throw e;
                }
                LOG.debug("part {} of {} failed ({}), trying again", number, key, e.toString());
            }
        }
    }

    private Object metadata(long length) {
        Object meta = construct("com.aliyun.oss.model.ObjectMetadata", new Class<?>[0]);
        if (length >= 0) {
            call(meta, "setContentLength", new Class<?>[] {long.class}, length);
        }
        if (!encryption.isEmpty()) {
            call(meta, "setServerSideEncryption", new Class<?>[] {String.class}, encryption);
        }
        return meta;
    }

    private Class<?> cls(String name) {
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the OSS plugin has no " + name, e);
        }
    }

    private Object construct(String name, Class<?>[] types, Object... args) {
        try {
            return cls(name).getConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the OSS plugin's " + name + " is not as expected: " + e, e);
        }
    }

    /** Calls {@code name} on {@code target} with the plugin's class loader as the thread's; the client's exceptions come out as they are. */
    private Object call(Object target, String name, Class<?>[] types, Object... args) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            Method m = target.getClass().getMethod(name, types);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the OSS plugin's " + target.getClass().getName() + "." + name + " is not as expected: " + e, e);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    /**
     * An object read in ranges of one size (the length over as many ranges of at most
     * {@link #MAX_READ} as it needs), one range held at a time, fetched when the reader gets to it.
     */
    static final class RangedInput extends FSDataInputStream {
        private final DirectOss oss;
        private final String key;
        private final long length;
        private final int range;
        private final byte[] buf;
        private long bufStart;
        private int bufLen;
        private long pos;

        RangedInput(DirectOss oss, String key, long length) {
            this.oss = oss;
            this.key = key;
            this.length = length;
            long ranges = Math.max(1, (length + MAX_READ - 1) / MAX_READ);
            this.range = (int) ((length + ranges - 1) / ranges);
            this.buf = new byte[range];
        }

        void fill(long at) throws IOException {
            int n = (int) Math.min(range, length - at);
            if (n <= 0) {
                bufStart = at;
                bufLen = 0;
                return;
            }
            oss.read(key, at, buf, n);
            bufStart = at;
            bufLen = n;
        }

        private boolean ready() throws IOException {
            if (pos >= length) {
                return false;
            }
            if (pos < bufStart || pos >= bufStart + bufLen) {
                fill(pos);
            }
            return true;
        }

        @Override
        public void seek(long desired) throws IOException {
            if (desired < 0 || desired > length) {
                throw new EOFException("oss://" + oss.bucket + "/" + key + ": cannot seek to " + desired + " of " + length + " bytes");
            }
            pos = desired;
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public int read() throws IOException {
            if (!ready()) {
                return -1;
            }
            return buf[(int) (pos++ - bufStart)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!ready()) {
                return -1;
            }
            int n = (int) Math.min(len, bufStart + bufLen - pos);
            System.arraycopy(buf, (int) (pos - bufStart), b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long to = Math.min(length, pos + Math.max(0, n));
            long skipped = to - pos;
            pos = to;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, bufStart + bufLen - pos));
        }
    }
}

package floe.testutils.oss;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The object operations of the testing OSS server. */
final class OssObjects {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final OssStore store;

    OssObjects(OssStore store) {
        this.store = store;
    }

    void handle(OssExchange x, OssFault drop) throws IOException {
        switch (x.operation) {
            case HEAD_OBJECT -> head(x);
            case GET_OBJECT -> get(x, drop);
            case PUT_OBJECT -> put(x, drop);
            case COPY_OBJECT -> copy(x);
            case DELETE_OBJECT -> {
                store.delete(x.bucket, x.key);
                x.reply(204, new byte[0]);
            }
            case INITIATE_MULTIPART_UPLOAD -> {
                OssStore.Upload u = store.initiate(x.bucket, x.key);
                x.reply(200, new OssXml().open("InitiateMultipartUploadResult").leaf("Bucket", x.bucket)
                        .leaf("Key", x.key).leaf("UploadId", u.id()).close("InitiateMultipartUploadResult").bytes());
            }
            case UPLOAD_PART -> uploadPart(x, drop);
            case COMPLETE_MULTIPART_UPLOAD -> complete(x);
            case ABORT_MULTIPART_UPLOAD -> {
                OssStore.Upload u = upload(x);
                if (u != null) {
                    store.abort(u);
                    x.reply(204, new byte[0]);
                }
            }
            default -> x.error(400, "InvalidRequest", "not supported by the testing server: " + x.method + " " + x.http.getRequestURI());
        }
    }

    private void head(OssExchange x) throws IOException {
        OssStore.StoredObject o = store.get(x.bucket, x.key);
        if (o == null) {
            x.error(404, "NoSuchKey", "The specified key does not exist.", Map.of("Key", x.key));
            return;
        }
        describe(x, o);
        x.http.getResponseHeaders().set("Content-Length", Long.toString(o.size()));
        x.common();
        x.http.sendResponseHeaders(200, -1);
        x.http.close();
    }

    private void get(OssExchange x, OssFault drop) throws IOException {
        OssStore.StoredObject o = store.get(x.bucket, x.key);
        if (o == null) {
            x.error(404, "NoSuchKey", "The specified key does not exist.", Map.of("Key", x.key));
            return;
        }
        long from = 0;
        long to = o.size() - 1;
        int status = 200;
        long[] range = range(x.header("Range"), o.size());
        if (range != null) {
            from = range[0];
            to = range[1];
            status = 206;
            x.http.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + o.size());
        }
        describe(x, o);
        x.common();
        long length = to - from + 1;
        x.http.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length == 0) {
            x.http.close();
            return;
        }
        long limit = drop != null ? length / 2 : length;
        OutputStream out = x.http.getResponseBody();
        try (InputStream in = Files.newInputStream(o.file())) {
            in.skipNBytes(from);
            byte[] buf = new byte[64 * 1024];
            long left = limit;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                out.write(buf, 0, n);
                left -= n;
                x.server.bytesOut.addAndGet(n);
            }
        }
        out.flush();
        if (drop != null) {
            // not closed: the connection goes down with the body half sent
            throw new DroppedConnection();
        }
        out.close();
        x.http.close();
    }

    /** {@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}; null (whole object) when absent or unsatisfiable, as OSS does. */
    static long[] range(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",") || size == 0) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long from;
            long to;
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                from = Math.max(0, size - n);
                to = size - 1;
            } else {
                from = Long.parseLong(a);
                to = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            return from > to || from >= size ? null : new long[] {from, to};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void put(OssExchange x, OssFault drop) throws IOException {
        OssStore.Part data = store.receive(dropping(x, drop), 0, x.bucket);
        OssStore.StoredObject o = store.put(x.bucket, x.key, data, "Normal");
        x.http.getResponseHeaders().set("ETag", "\"" + o.etag() + "\"");
        x.http.getResponseHeaders().set("x-oss-hash-crc64ecma", o.crc64());
        x.reply(200, new byte[0]);
    }

    private void copy(OssExchange x) throws IOException {
        String source = OssExchange.decode(x.header("x-oss-copy-source"));
        String s = source.startsWith("/") ? source.substring(1) : source;
        int slash = s.indexOf('/');
        String fromBucket = slash < 0 ? s : s.substring(0, slash);
        String fromKey = slash < 0 ? "" : s.substring(slash + 1);
        if (!store.hasBucket(fromBucket)) {
            x.error(404, "NoSuchBucket", "The specified bucket does not exist.", Map.of("BucketName", fromBucket));
            return;
        }
        if (store.get(fromBucket, fromKey) == null) {
            x.error(404, "NoSuchKey", "The specified key does not exist.", Map.of("Key", fromKey));
            return;
        }
        OssStore.StoredObject o = store.copy(fromBucket, fromKey, x.bucket, x.key);
        x.http.getResponseHeaders().set("x-oss-hash-crc64ecma", o.crc64());
        x.reply(200, new OssXml().open("CopyObjectResult").leaf("ETag", "\"" + o.etag() + "\"")
                .leaf("LastModified", OssXml.time(o.modified())).close("CopyObjectResult").bytes());
    }

    private void uploadPart(OssExchange x, OssFault drop) throws IOException {
        OssStore.Upload u = upload(x);
        if (u == null) {
            return;
        }
        int number;
        try {
            number = Integer.parseInt(x.query.get("partNumber"));
        } catch (NumberFormatException e) {
            x.error(400, "InvalidArgument", "partNumber must be an integer");
            return;
        }
        if (number < 1 || number > 10000) {
            x.error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
            return;
        }
        OssStore.Part p = store.receive(dropping(x, drop), number, x.bucket);
        store.addPart(u, p);
        x.http.getResponseHeaders().set("ETag", "\"" + p.etag() + "\"");
        x.http.getResponseHeaders().set("x-oss-hash-crc64ecma", p.crc64());
        x.reply(200, new byte[0]);
    }

    private void complete(OssExchange x) throws IOException {
        OssStore.Upload u = upload(x);
        if (u == null) {
            return;
        }
        List<String[]> parts = OssXml.read(x.body(), "Part", "PartNumber", "ETag");
        List<Integer> numbers = new ArrayList<>();
        int previous = 0;
        for (String[] p : parts) {
            int n = Integer.parseInt(p[0].trim());
            OssStore.Part have = u.parts().get(n);
            String etag = p[1] == null ? "" : p[1].replace("\"", "").trim();
            if (have == null || !have.etag().equalsIgnoreCase(etag)) {
                x.error(400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
                return;
            }
            if (n <= previous) {
                x.error(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
                return;
            }
            previous = n;
            numbers.add(n);
        }
        if (numbers.isEmpty()) {
            x.error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
            return;
        }
        OssStore.StoredObject o = store.complete(u, numbers);
        x.http.getResponseHeaders().set("x-oss-hash-crc64ecma", o.crc64());
        x.reply(200, new OssXml().open("CompleteMultipartUploadResult").leaf("Location", "http://127.0.0.1/" + x.bucket + "/" + x.key)
                .leaf("Bucket", x.bucket).leaf("Key", x.key).leaf("ETag", "\"" + o.etag() + "\"")
                .close("CompleteMultipartUploadResult").bytes());
    }

    private OssStore.Upload upload(OssExchange x) throws IOException {
        OssStore.Upload u = store.upload(x.query.get("uploadId"));
        if (u == null || !u.bucket().equals(x.bucket) || !u.key().equals(x.key)) {
            x.error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
                    Map.of("UploadId", String.valueOf(x.query.get("uploadId"))));
            return null;
        }
        return u;
    }

    private static void describe(OssExchange x, OssStore.StoredObject o) {
        var h = x.http.getResponseHeaders();
        h.set("ETag", "\"" + o.etag() + "\"");
        h.set("Last-Modified", HTTP_DATE.format(o.modified()));
        h.set("Content-Type", "application/octet-stream");
        h.set("Accept-Ranges", "bytes");
        h.set("x-oss-object-type", o.type());
        h.set("x-oss-storage-class", "Standard");
        h.set("x-oss-hash-crc64ecma", o.crc64());
    }

    /** The request body, cut off halfway (then the connection is dropped) when a fault says so. */
    private static InputStream dropping(OssExchange x, OssFault drop) {
        InputStream body = x.body();
        if (drop == null) {
            return body;
        }
        String length = x.header("Content-Length");
        long half = length == null ? 1 : Math.max(1, Long.parseLong(length) / 2);
        return new java.io.FilterInputStream(body) {
            long left = half;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new DroppedConnection();
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    /** Thrown to make the HTTP server close the connection without an answer. */
    static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("connection dropped by an injected fault", null, false, false);
        }
    }
}

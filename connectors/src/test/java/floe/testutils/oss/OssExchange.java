package floe.testutils.oss;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request to the testing OSS server, parsed: bucket, key, query, operation, and how to answer. */
final class OssExchange {
    final HttpExchange http;
    final String method;
    final String bucket;
    final String key;
    final Map<String, String> query;
    final OssOperation operation;
    final String requestId;
    final TestingOssServer server;

    OssExchange(TestingOssServer server, HttpExchange http, String requestId) {
        this.server = server;
        this.http = http;
        this.requestId = requestId;
        this.method = http.getRequestMethod();
        String path = http.getRequestURI().getPath();
        String rest = path.startsWith("/") ? path.substring(1) : path;
        int slash = rest.indexOf('/');
        this.bucket = slash < 0 ? rest : rest.substring(0, slash);
        String k = slash < 0 ? "" : rest.substring(slash + 1);
        this.key = k.isEmpty() ? null : k;
        this.query = parseQuery(http.getRequestURI().getRawQuery());
        this.operation = classify();
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** The resource a V1 signature covers: {@code /bucket/key}, or {@code /bucket/} for the bucket. */
    String resourcePath() {
        return bucket.isEmpty() ? "/" : "/" + bucket + "/" + (key == null ? "" : key);
    }

    InputStream body() {
        return new CountingInput(http.getRequestBody(), server);
    }

    void reply(int status, byte[] body) throws IOException {
        common();
        if (body.length > 0) {
            http.getResponseHeaders().set("Content-Type", "application/xml");
        }
        if (method.equals("HEAD") || body.length == 0) {
            http.sendResponseHeaders(status, -1);
        } else {
            http.sendResponseHeaders(status, body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
            server.bytesOut.addAndGet(body.length);
        }
        http.close();
    }

    void error(int status, String code, String message, Map<String, String> extra) throws IOException {
        http.getResponseHeaders().set("x-oss-ec", code);
        OssXml xml = new OssXml().open("Error").leaf("Code", code).leaf("Message", message)
                .leaf("RequestId", requestId).leaf("HostId", "127.0.0.1");
        extra.forEach(xml::leaf);
        reply(status, xml.close("Error").bytes());
    }

    void error(int status, String code, String message) throws IOException {
        error(status, code, message, Map.of());
    }

    void common() {
        http.getResponseHeaders().set("x-oss-request-id", requestId);
        http.getResponseHeaders().set("Server", "AliyunOSS");
    }

    private OssOperation classify() {
        boolean object = key != null;
        switch (method) {
            case "HEAD":
                return object ? OssOperation.HEAD_OBJECT : OssOperation.GET_BUCKET_INFO;
            case "GET":
                if (object) {
                    return query.containsKey("objectMeta") ? OssOperation.HEAD_OBJECT : OssOperation.GET_OBJECT;
                }
                if (query.containsKey("uploads")) {
                    return OssOperation.LIST_MULTIPART_UPLOADS;
                }
                if (query.containsKey("bucketInfo") || query.containsKey("location") || query.containsKey("acl")) {
                    return OssOperation.GET_BUCKET_INFO;
                }
                return "2".equals(query.get("list-type")) ? OssOperation.LIST_OBJECTS_V2 : OssOperation.LIST_OBJECTS;
            case "PUT":
                if (!object) {
                    return OssOperation.UNKNOWN;
                }
                if (query.containsKey("uploadId") && query.containsKey("partNumber")) {
                    return OssOperation.UPLOAD_PART;
                }
                return header("x-oss-copy-source") != null ? OssOperation.COPY_OBJECT : OssOperation.PUT_OBJECT;
            case "POST":
                if (!object) {
                    return query.containsKey("delete") ? OssOperation.DELETE_MULTIPLE_OBJECTS : OssOperation.UNKNOWN;
                }
                if (query.containsKey("uploads")) {
                    return OssOperation.INITIATE_MULTIPART_UPLOAD;
                }
                return query.containsKey("uploadId") ? OssOperation.COMPLETE_MULTIPART_UPLOAD : OssOperation.UNKNOWN;
            case "DELETE":
                if (!object) {
                    return OssOperation.UNKNOWN;
                }
                return query.containsKey("uploadId") ? OssOperation.ABORT_MULTIPART_UPLOAD : OssOperation.DELETE_OBJECT;
            default:
                return OssOperation.UNKNOWN;
        }
    }

    /** Query parameters, decoded; a parameter without {@code =} (e.g. {@code ?uploads}) maps to null. */
    static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                q.put(decode(part), null);
            } else {
                q.put(decode(part.substring(0, eq)), decode(part.substring(eq + 1)));
            }
        }
        return q;
    }

    /** Percent-decoding only: OSS clients encode a space as %20 and send '+' as %2B. */
    static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Counts the bytes clients upload. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private final TestingOssServer server;

        CountingInput(InputStream in, TestingOssServer server) {
            super(in);
            this.server = server;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                server.bytesIn.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                server.bytesIn.addAndGet(n);
            }
            return n;
        }
    }
}

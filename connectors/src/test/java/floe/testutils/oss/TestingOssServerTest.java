package floe.testutils.oss;

import floe.testutils.Crc64;

import com.sun.net.httpserver.Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The testing OSS server at the HTTP level: what a client sees of the protocol. */
class TestingOssServerTest {
    @TempDir
    static File root;

    static TestingOssServer oss;

    @BeforeAll
    static void start() throws IOException {
        oss = TestingOssServer.start(root.toPath(), "id", "secret", "b");
    }

    @AfterAll
    static void stop() {
        oss.close();
    }

    @BeforeEach
    void clean() {
        oss.clearFaults();
    }

    record Reply(int status, Map<String, String> headers, String body) {}

    /** One signed request; {@code chunked} sends the body with chunked transfer encoding. */
    static Reply call(String method, String pathAndQuery, byte[] body, Map<String, String> headers, String secret, boolean chunked)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(oss.endpoint() + pathAndQuery).toURL().openConnection();
        c.setRequestMethod(method);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        Headers signed = new Headers();
        signed.set("Date", date);
        headers.forEach(signed::set);
        if (body != null && !headers.containsKey("Content-Type")) {
            signed.set("Content-Type", "application/octet-stream");
        }
        String path = URI.create("http://x" + pathAndQuery).getPath();
        String query = URI.create("http://x" + pathAndQuery).getRawQuery();
        String toSign = OssSignature.stringToSign(method, signed, path.equals("/b") ? "/b/" : path, OssExchange.parseQuery(query));
        signed.forEach((k, v) -> c.setRequestProperty(k, v.get(0)));
        c.setRequestProperty("Authorization", "OSS id:" + OssSignature.sign(secret, toSign));
        if (body != null) {
            c.setDoOutput(true);
            if (chunked) {
                c.setChunkedStreamingMode(4);
            } else {
                c.setFixedLengthStreamingMode(body.length);
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        Map<String, String> h = new LinkedHashMap<>();
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) {
                h.put(k.toLowerCase(), v.get(0));
            }
        });
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Reply(status, h, text);
    }

    static Reply call(String method, String path) throws IOException {
        return call(method, path, null, Map.of(), "secret", false);
    }

    static Reply put(String key, String content) throws IOException {
        return call("PUT", "/b/" + key, content.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/plain"), "secret", false);
    }

    @Test
    void crc64IsTheEcmaVariantOssUses() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(new Crc64().update(check, 0, check.length).value()).isEqualTo(0x995DC9BBDF1939FAL);
    }

    @Test
    void putThenHeadAndGetWithCrcAndEtag() throws IOException {
        Reply put = put("dir/a.txt", "0123456789");
        assertThat(put.status()).isEqualTo(200);
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        String crc = new Crc64().update(bytes, 0, bytes.length).text();
        assertThat(put.headers()).containsEntry("x-oss-hash-crc64ecma", crc).containsKey("etag");

        Reply head = call("HEAD", "/b/dir/a.txt");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers()).containsEntry("content-length", "10").containsKey("last-modified")
                .containsEntry("etag", put.headers().get("etag")).containsEntry("x-oss-hash-crc64ecma", crc);

        Reply ranged = call("GET", "/b/dir/a.txt", null, Map.of("Range", "bytes=2-5"), "secret", false);
        assertThat(ranged.status()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo("2345");
        assertThat(ranged.headers()).containsEntry("content-range", "bytes 2-5/10");
        assertThat(call("GET", "/b/dir/a.txt", null, Map.of("Range", "bytes=7-"), "secret", false).body()).isEqualTo("789");
    }

    @Test
    void aWrongSecretGetsSignatureDoesNotMatch() throws IOException {
        Reply r = call("GET", "/b/dir/a.txt", null, Map.of(), "not-the-secret", false);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>").contains("<RequestId>").doesNotContain("secret</");
    }

    @Test
    void missingKeysAndBucketsGetOssErrorBodies() throws IOException {
        Reply key = call("GET", "/b/nothing-here");
        assertThat(key.status()).isEqualTo(404);
        assertThat(key.body()).startsWith("<?xml").contains("<Error><Code>NoSuchKey</Code>").contains("<Message>");
        Reply bucket = call("GET", "/other/x");
        assertThat(bucket.status()).isEqualTo(404);
        assertThat(bucket.body()).contains("<Code>NoSuchBucket</Code>");
    }

    @Test
    void chunkedEmptyBodiesMakeDirectoryMarkers() throws IOException {
        Reply r = call("PUT", "/b/marker/", new byte[0], Map.of(), "secret", true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(oss.object("b", "marker/")).isEmpty();
    }

    @Test
    void copyListV1AndV2WithPagingAndPrefixes() throws IOException {
        for (String k : new String[] {"l/a", "l/b", "l/c", "l/d/x", "l/d/y", "l/e"}) {
            put(k, k);
        }
        Reply copy = call("PUT", "/b/l/f", null, Map.of("x-oss-copy-source", "/b/l/a"), "secret", false);
        assertThat(copy.body()).contains("<CopyObjectResult>");
        assertThat(oss.object("b", "l/f")).asString(StandardCharsets.UTF_8).isEqualTo("l/a");

        Reply v1 = call("GET", "/b/?prefix=l%2F&delimiter=%2F&max-keys=3");
        assertThat(v1.body()).doesNotContain("xmlns").contains("<IsTruncated>true</IsTruncated>").contains("<NextMarker>l/c</NextMarker>")
                .contains("<Owner><ID>").contains("<Key>l/a</Key>").doesNotContain("<Key>l/d/x</Key>");
        Reply v1next = call("GET", "/b/?prefix=l%2F&delimiter=%2F&max-keys=3&marker=l%2Fc");
        assertThat(v1next.body()).contains("<CommonPrefixes><Prefix>l/d/</Prefix></CommonPrefixes>").contains("<Key>l/e</Key>")
                .contains("<Key>l/f</Key>").contains("<IsTruncated>false</IsTruncated>");

        Reply v2 = call("GET", "/b/?list-type=2&prefix=l%2F&max-keys=4");
        assertThat(v2.body()).contains("<KeyCount>4</KeyCount>").contains("<IsTruncated>true</IsTruncated>").doesNotContain("<Owner>");
        String token = v2.body().replaceAll("(?s).*<NextContinuationToken>(.*)</NextContinuationToken>.*", "$1");
        Reply v2next = call("GET", "/b/?list-type=2&prefix=l%2F&max-keys=4&continuation-token=" + token);
        assertThat(v2next.body()).contains("<Key>l/d/y</Key>").contains("<Key>l/f</Key>").contains("<KeyCount>3</KeyCount>");
    }

    @Test
    void batchDeleteAndMultipartUploads() throws IOException {
        put("m/one", "1");
        put("m/two", "2");
        Reply del = call("POST", "/b/?delete", "<Delete><Quiet>false</Quiet><Object><Key>m/one</Key></Object><Object><Key>m/two</Key></Object></Delete>"
                .getBytes(StandardCharsets.UTF_8), Map.of(), "secret", false);
        assertThat(del.body()).contains("<Deleted><Key>m/one</Key></Deleted>");
        assertThat(oss.keys("b")).noneMatch(k -> k.startsWith("m/"));

        Reply init = call("POST", "/b/m/big?uploads", new byte[0], Map.of(), "secret", false);
        String id = init.body().replaceAll("(?s).*<UploadId>(.*)</UploadId>.*", "$1");
        Reply p1 = call("PUT", "/b/m/big?partNumber=1&uploadId=" + id, "hello ".getBytes(StandardCharsets.UTF_8), Map.of(), "secret", false);
        Reply p2 = call("PUT", "/b/m/big?partNumber=2&uploadId=" + id, "world".getBytes(StandardCharsets.UTF_8), Map.of(), "secret", false);
        assertThat(oss.keys("b")).doesNotContain("m/big");
        String complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + p1.headers().get("etag")
                + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" + p2.headers().get("etag") + "</ETag></Part></CompleteMultipartUpload>";
        Reply done = call("POST", "/b/m/big?uploadId=" + id, complete.getBytes(StandardCharsets.UTF_8), Map.of(), "secret", false);
        byte[] all = "hello world".getBytes(StandardCharsets.UTF_8);
        assertThat(done.headers()).containsEntry("x-oss-hash-crc64ecma", new Crc64().update(all, 0, all.length).text());
        assertThat(oss.object("b", "m/big")).isEqualTo(all);

        Reply init2 = call("POST", "/b/m/gone?uploads", new byte[0], Map.of(), "secret", false);
        String id2 = init2.body().replaceAll("(?s).*<UploadId>(.*)</UploadId>.*", "$1");
        assertThat(oss.pendingUploads()).isEqualTo(1);
        assertThat(call("DELETE", "/b/m/gone?uploadId=" + id2).status()).isEqualTo(204);
        assertThat(oss.pendingUploads()).isZero();
        assertThat(call("POST", "/b/m/gone?uploadId=" + id2, complete.getBytes(StandardCharsets.UTF_8), Map.of(), "secret", false).body())
                .contains("<Code>NoSuchUpload</Code>");
    }

    @Test
    void injectedFaults() throws IOException {
        put("f/x", "0123456789");
        OssFault unavailable = OssFault.status(503, "ServiceUnavailable").on(OssOperation.GET_OBJECT).times(2);
        oss.inject(unavailable);
        assertThat(call("GET", "/b/f/x").status()).isEqualTo(503);
        assertThat(call("GET", "/b/f/x").body()).contains("<Code>ServiceUnavailable</Code>");
        assertThat(call("GET", "/b/f/x").body()).isEqualTo("0123456789");
        assertThat(unavailable.fired()).isEqualTo(2);

        oss.inject(OssFault.dropConnection().on(OssOperation.GET_OBJECT));
        String cutShort;
        try {
            cutShort = call("GET", "/b/f/x").body();
        } catch (IOException e) {
            cutShort = "";
        }
        assertThat(cutShort).isIn("", "01234");

        OssFault cut = OssFault.dropConnection().on(OssOperation.PUT_OBJECT);
        oss.inject(cut);
        assertThatThrownBy(() -> put("f/y", "half of this never arrives")).isInstanceOf(IOException.class);
        assertThat(cut.fired()).isEqualTo(1);
        assertThat(oss.object("b", "f/y")).isNull();

        OssFault slow = OssFault.delay(Duration.ofMillis(300)).on(OssOperation.HEAD_OBJECT);
        oss.inject(slow);
        assertThat(call("HEAD", "/b/f/x").status()).isEqualTo(200);
        assertThat(slow.fired()).isEqualTo(1);
    }
}

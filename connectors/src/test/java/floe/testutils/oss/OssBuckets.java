package floe.testutils.oss;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** The bucket operations of the testing OSS server: listings, batch delete, multipart listing. */
final class OssBuckets {
    private static final String OWNER = "1738291047526831";

    private final OssStore store;

    OssBuckets(OssStore store) {
        this.store = store;
    }

    void handle(OssExchange x) throws IOException {
        switch (x.operation) {
            case LIST_OBJECTS -> list(x, false);
            case LIST_OBJECTS_V2 -> list(x, true);
            case DELETE_MULTIPLE_OBJECTS -> deleteMultiple(x);
            case LIST_MULTIPART_UPLOADS -> listUploads(x);
            case GET_BUCKET_INFO -> x.reply(200, new OssXml().open("BucketInfo").open("Bucket").leaf("Name", x.bucket)
                    .leaf("Location", "oss-local").leaf("StorageClass", "Standard").close("Bucket").close("BucketInfo").bytes());
            default -> x.error(400, "InvalidRequest", "not supported by the testing server: " + x.method + " " + x.http.getRequestURI());
        }
    }

    private void list(OssExchange x, boolean v2) throws IOException {
        String prefix = x.query.getOrDefault("prefix", "");
        prefix = prefix == null ? "" : prefix;
        String delimiter = x.query.get("delimiter");
        delimiter = delimiter == null ? "" : delimiter;
        boolean url = "url".equals(x.query.get("encoding-type"));
        int max;
        try {
            max = Integer.parseInt(x.query.getOrDefault("max-keys", "100"));
        } catch (NumberFormatException e) {
            x.error(400, "InvalidArgument", "max-keys must be an integer");
            return;
        }
        if (max < 1 || max > 1000) {
            x.error(400, "InvalidArgument", "max-keys must be between 1 and 1000");
            return;
        }
        String after;
        if (v2) {
            String token = x.query.get("continuation-token");
            after = token != null && !token.isEmpty() ? new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8)
                    : x.query.getOrDefault("start-after", "");
        } else {
            after = x.query.getOrDefault("marker", "");
        }
        after = after == null ? "" : after;

        NavigableMap<String, OssStore.StoredObject> objects = store.bucket(x.bucket);
        OssXml contents = new OssXml();
        OssXml prefixes = new OssXml();
        int count = 0;
        String last = null;
        String lastPrefix = null;
        boolean truncated = false;
        boolean owner = !v2 || "true".equals(x.query.get("fetch-owner"));
        NavigableMap<String, OssStore.StoredObject> from = after.compareTo(prefix) >= 0 ? objects.tailMap(after, false) : objects.tailMap(prefix, true);
        for (OssStore.StoredObject o : from.values()) {
            String key = o.key();
            if (!key.startsWith(prefix)) {
                if (key.compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            // keys rolled up into the marker's common prefix were listed on an earlier page
            if (!delimiter.isEmpty() && after.endsWith(delimiter) && after.startsWith(prefix) && key.startsWith(after)) {
                continue;
            }
            int d = delimiter.isEmpty() ? -1 : key.indexOf(delimiter, prefix.length());
            String common = d < 0 ? null : key.substring(0, d + delimiter.length());
            if (common != null && common.equals(lastPrefix)) {
                continue;
            }
            if (count == max) {
                truncated = true;
                break;
            }
            count++;
            if (common != null) {
                prefixes.open("CommonPrefixes").leaf("Prefix", OssXml.key(common, url)).close("CommonPrefixes");
                lastPrefix = common;
                last = common;
            } else {
                contents.open("Contents").leaf("Key", OssXml.key(key, url)).leaf("LastModified", OssXml.time(o.modified()))
                        .leaf("ETag", "\"" + o.etag() + "\"").leaf("Type", o.type()).leaf("Size", o.size())
                        .leaf("StorageClass", "Standard");
                if (owner) {
                    contents.open("Owner").leaf("ID", OWNER).leaf("DisplayName", OWNER).close("Owner");
                }
                contents.close("Contents");
                last = key;
            }
        }
        OssXml xml = new OssXml().open("ListBucketResult").leaf("Name", x.bucket).leaf("Prefix", OssXml.key(prefix, url));
        if (v2) {
            xml.leaf("MaxKeys", max).leaf("Delimiter", OssXml.key(delimiter, url));
            if (x.query.get("start-after") != null) {
                xml.leaf("StartAfter", OssXml.key(x.query.get("start-after"), url));
            }
            if (x.query.get("continuation-token") != null) {
                xml.leaf("ContinuationToken", x.query.get("continuation-token"));
            }
            xml.leaf("IsTruncated", truncated);
            if (truncated) {
                xml.leaf("NextContinuationToken", java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(last.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            xml.leaf("KeyCount", count);
        } else {
            xml.leaf("Marker", OssXml.key(after, url)).leaf("MaxKeys", max).leaf("Delimiter", OssXml.key(delimiter, url))
                    .leaf("IsTruncated", truncated);
            if (truncated) {
                xml.leaf("NextMarker", OssXml.key(last, url));
            }
        }
        if (url) {
            xml.leaf("EncodingType", "url");
        }
        String body = new String(xml.bytes(), java.nio.charset.StandardCharsets.UTF_8)
                + strip(contents) + strip(prefixes) + "</ListBucketResult>";
        x.reply(200, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String strip(OssXml part) {
        String s = new String(part.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        return s.substring(s.indexOf('\n') + 1);
    }

    private void deleteMultiple(OssExchange x) throws IOException {
        byte[] body = x.body().readAllBytes();
        List<String[]> objects = OssXml.read(new java.io.ByteArrayInputStream(body), "Object", "Key");
        // quiet: the reply lists only the keys that could not be deleted (here: none)
        boolean quiet = OssXml.read(new java.io.ByteArrayInputStream(body), "Delete", "Quiet").stream()
                .anyMatch(r -> "true".equalsIgnoreCase(r[0] == null ? "" : r[0].trim()));
        boolean url = "url".equals(x.query.get("encoding-type"));
        OssXml xml = new OssXml().open("DeleteResult");
        for (String[] o : objects) {
            store.delete(x.bucket, o[0]);
            if (!quiet) {
                xml.open("Deleted").leaf("Key", OssXml.key(o[0], url)).close("Deleted");
            }
        }
        if (url) {
            xml.leaf("EncodingType", "url");
        }
        x.reply(200, xml.close("DeleteResult").bytes());
    }

    private void listUploads(OssExchange x) throws IOException {
        String prefix = x.query.getOrDefault("prefix", "");
        OssXml xml = new OssXml().open("ListMultipartUploadsResult").leaf("Bucket", x.bucket).leaf("KeyMarker", "")
                .leaf("UploadIdMarker", "").leaf("NextKeyMarker", "").leaf("NextUploadIdMarker", "")
                .leaf("MaxUploads", 1000).leaf("IsTruncated", false);
        for (OssStore.Upload u : store.uploads(x.bucket)) {
            if (prefix == null || u.key().startsWith(prefix)) {
                xml.open("Upload").leaf("Key", u.key()).leaf("UploadId", u.id()).leaf("StorageClass", "Standard")
                        .leaf("Initiated", OssXml.time(u.initiated())).close("Upload");
            }
        }
        x.reply(200, xml.close("ListMultipartUploadsResult").bytes());
    }

}

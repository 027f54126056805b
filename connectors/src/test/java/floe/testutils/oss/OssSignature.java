package floe.testutils.oss;

import com.sun.net.httpserver.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * OSS's V1 request signature: {@code Authorization: OSS keyId:base64(HMAC-SHA1(secret, VERB \n
 * Content-MD5 \n Content-Type \n Date \n x-oss-headers resource))}, the resource being
 * {@code /bucket/key} with the signed sub-resources of the query in name order.
 */
final class OssSignature {
    /** The query parameters OSS signs (the rest of the query is not part of the signature). */
    private static final Set<String> SIGNED = Set.of("acl", "uploads", "location", "cors", "logging", "website",
            "referer", "lifecycle", "delete", "append", "tagging", "objectMeta", "uploadId", "partNumber",
            "security-token", "position", "response-cache-control", "response-content-disposition",
            "response-content-encoding", "response-content-language", "response-content-type", "response-expires",
            "bucketInfo", "symlink", "restore", "versions", "versioning", "versionId", "continuation-token",
            "x-oss-process", "stat", "qos", "live", "status", "comp", "encryption", "policy");

    private OssSignature() {}

    /** The text a client signs for this request. */
    static String stringToSign(String method, Headers headers, String resourcePath, Map<String, String> query) {
        StringBuilder s = new StringBuilder();
        s.append(method).append('\n');
        s.append(first(headers, "Content-MD5")).append('\n');
        s.append(first(headers, "Content-Type")).append('\n');
        s.append(first(headers, "Date")).append('\n');
        TreeMap<String, String> oss = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase();
            if (lower.startsWith("x-oss-") && !values.isEmpty()) {
                oss.put(lower.trim(), values.get(0).trim());
            }
        });
        oss.forEach((name, value) -> s.append(name).append(':').append(value).append('\n'));
        s.append(resourcePath);
        char sep = '?';
        for (Map.Entry<String, String> p : new TreeMap<>(query).entrySet()) {
            if (SIGNED.contains(p.getKey())) {
                s.append(sep).append(p.getKey());
                if (p.getValue() != null) {
                    s.append('=').append(p.getValue());
                }
                sep = '&';
            }
        }
        return s.toString();
    }

    static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JVM", e);
        }
    }

    private static String first(Headers headers, String name) {
        String v = headers.getFirst(name);
        return v == null ? "" : v;
    }
}

package floe.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 over one HTTP request: {@link #verify} checks a request the way AWS
 * does (any region, service {@code batch}, the body's hash signed: no {@code UNSIGNED-PAYLOAD}),
 * {@link #sign} signs one as an AWS SDK would. Requests more than 15 minutes off the server's clock
 * are refused; {@link ReplayGuard} refuses a signature seen before.
 *
 * <pre>{@code
 * SigV4.Request r = new SigV4.Request("POST", "/v1/describejobs", "", headers, body);
 * SigV4.verify(r, "AKID", "secret", Instant.now());   // throws ApiException (403) if it does not match
 * }</pre>
 */
public final class SigV4 {
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    /** How far a request's date may be from the server's clock; a signature is remembered this long either side. */
    static final Duration SKEW = Duration.ofMinutes(15);
    private static final String SERVICE = "batch";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private SigV4() {}

    /** A request as signed: headers by lower-case name (several values of one name joined by ','). */
    public record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {}

    /** Checks the request's signature against the one secret this service knows for {@code accessKeyId}. */
    public static void verify(Request r, String accessKeyId, String secretKey, Instant now) {
        authorization(r.headers(), accessKeyId, now).verify(r, secretKey);
    }

    /**
     * What can be checked from the headers alone, before the body is read: the Authorization
     * header's form, the access key id, the credential scope's service ({@code batch}), the date
     * within the clock skew, and a payload hash that is a hash ({@code UNSIGNED-PAYLOAD} is refused).
     */
    public static Authorization authorization(Map<String, String> headers, String accessKeyId, Instant now) {
        String authorization = headers.get("authorization");
        if (authorization == null) {
            throw ApiException.forbidden("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            throw ApiException.forbidden("IncompleteSignatureException",
                    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256)");
        }
        if (!m.group(1).equals(accessKeyId)) {
            throw ApiException.forbidden("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!m.group(4).equals(SERVICE)) {
            throw ApiException.forbidden("InvalidSignatureException", "Credential should be scoped to correct service: '" + SERVICE + "'.");
        }
        String amzDate = headers.get("x-amz-date");
        Instant signedAt;
        try {
            signedAt = amzDate == null ? null : Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            signedAt = null;
        }
        if (signedAt == null || !amzDate.startsWith(m.group(2))) {
            throw ApiException.forbidden("IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential's date");
        }
        if (Duration.between(signedAt, now).abs().compareTo(SKEW) > 0) {
            throw ApiException.forbidden("InvalidSignatureException", "Signature expired: " + amzDate
                    + " is now earlier or later than 15 minutes from " + AMZ_DATE.format(now));
        }
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!signedHeaders.contains("host")) {
            throw ApiException.forbidden("InvalidSignatureException", "'Host' must be a signed header");
        }
        String payloadHash = headers.get("x-amz-content-sha256");
        if (payloadHash != null && !HASH.matcher(payloadHash).matches()) {
            throw ApiException.forbidden("InvalidSignatureException", "x-amz-content-sha256 must be the SHA-256 of the body in hex"
                    + " (this service signs every payload: " + payloadHash + " is not accepted)");
        }
        return new Authorization(headers, signedHeaders, amzDate, signedAt, m.group(2), m.group(3), m.group(6));
    }

    /** A request's Authorization header, checked as far as the headers go; {@link #verify} checks the body. */
    public static final class Authorization {
        private final Map<String, String> headers;
        private final List<String> signedHeaders;
        private final String amzDate;
        private final Instant signedAt;
        private final String date;
        private final String region;
        private final String signature;

        private Authorization(Map<String, String> headers, List<String> signedHeaders, String amzDate, Instant signedAt, String date,
                String region, String signature) {
            this.headers = headers;
            this.signedHeaders = signedHeaders;
            this.amzDate = amzDate;
            this.signedAt = signedAt;
            this.date = date;
            this.region = region;
            this.signature = signature;
        }

        /** The signature as sent (64 hex digits). */
        public String signature() {
            return signature;
        }

        /** When the client signed it: a replay is only possible until this plus the clock skew. */
        public Instant signedAt() {
            return signedAt;
        }

        /** Checks the body's hash and the signature over the whole request. */
        public void verify(Request r, String secretKey) {
            String payloadHash = headers.get("x-amz-content-sha256");
            if (payloadHash != null && !payloadHash.equals(hex(sha256(r.body())))) {
                throw ApiException.forbidden("InvalidSignatureException",
                        "The provided x-amz-content-sha256 header does not match the SHA-256 of the body");
            }
            String expected = SigV4.signature(r, signedHeaders, amzDate, date, region, SERVICE, secretKey);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
                throw ApiException.forbidden("InvalidSignatureException", "The request signature we calculated does not match the signature"
                        + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
            }
        }
    }

    /** The headers to add to {@code r} (x-amz-date, x-amz-content-sha256, authorization); r must have a host header. */
    public static Map<String, String> sign(Request r, String accessKeyId, String secretKey, String region, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        Map<String, String> headers = new TreeMap<>(r.headers());
        headers.put("x-amz-date", amzDate);
        headers.put("x-amz-content-sha256", hex(sha256(r.body())));
        Request withDate = new Request(r.method(), r.path(), r.query(), headers, r.body());
        List<String> signed = new ArrayList<>(headers.keySet());
        String signature = signature(withDate, signed, amzDate, date, region, "batch", secretKey);
        Map<String, String> added = new TreeMap<>();
        added.put("x-amz-date", amzDate);
        added.put("x-amz-content-sha256", headers.get("x-amz-content-sha256"));
        added.put("authorization", "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/" + date + "/" + region + "/batch/aws4_request, SignedHeaders="
                + String.join(";", signed) + ", Signature=" + signature);
        return added;
    }

    private static String signature(Request r, List<String> signedHeaders, String amzDate, String date, String region,
            String service, String secretKey) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(r.method()).append('\n');
        canonical.append(canonicalPath(r.path())).append('\n');
        canonical.append(canonicalQuery(r.query())).append('\n');
        for (String h : signedHeaders) {
            String value = r.headers().getOrDefault(h, "");
            canonical.append(h).append(':').append(value.strip().replaceAll("\\s+", " ")).append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n');
        canonical.append(hex(sha256(r.body())));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, toSign));
    }

    /** Each path segment URI-encoded (already-encoded requests arrive decoded). */
    private static String canonicalPath(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(encode(segments[i])));
        }
        return out.toString();
    }

    private static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : query.split("&")) {
            String[] kv = part.split("=", 2);
            pairs.add(new String[] {encode(decode(kv[0])), kv.length > 1 ? encode(decode(kv[1])) : ""});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        pairs.forEach(p -> out.add(p[0] + "=" + p[1]));
        return String.join("&", out);
    }

    /** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

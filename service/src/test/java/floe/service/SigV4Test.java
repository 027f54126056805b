package floe.service;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigV4Test {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private static SigV4.Request signed(String body, String secret, Instant at) {
        SigV4.Request unsigned = new SigV4.Request("POST", "/v1/submitjob", "", Map.of("host", "127.0.0.1:8000",
                "content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new TreeMap<>(unsigned.headers());
        headers.putAll(SigV4.sign(unsigned, "AKID", secret, "eu-central-1", at));
        return new SigV4.Request("POST", "/v1/submitjob", "", headers, unsigned.body());
    }

    @Test
    void aSignedRequestVerifies() {
        assertThatCode(() -> SigV4.verify(signed("{}", "secret", NOW), "AKID", "secret", NOW)).doesNotThrowAnyException();
    }

    @Test
    void anotherSecretOrAChangedBodyDoesNot() {
        assertThatThrownBy(() -> SigV4.verify(signed("{}", "other", NOW), "AKID", "secret", NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions.assertThat(e.type()).isEqualTo("InvalidSignatureException"));
        SigV4.Request r = signed("{\"jobName\":\"a\"}", "secret", NOW);
        SigV4.Request tampered = new SigV4.Request(r.method(), r.path(), r.query(), r.headers(), "{\"jobName\":\"b\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SigV4.verify(tampered, "AKID", "secret", NOW)).isInstanceOf(ApiException.class)
                .hasMessage("The provided x-amz-content-sha256 header does not match the SHA-256 of the body");
        Map<String, String> withoutHash = new TreeMap<>(r.headers());
        withoutHash.remove("x-amz-content-sha256");
        SigV4.Request tamperedNoHash = new SigV4.Request(r.method(), r.path(), r.query(), withoutHash, tampered.body());
        assertThatThrownBy(() -> SigV4.verify(tamperedNoHash, "AKID", "secret", NOW)).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("The request signature we calculated does not match");
    }

    @Test
    void anotherServicesScopeOrAnUnsignedPayloadIsRefusedFromTheHeaders() {
        SigV4.Request r = signed("{}", "secret", NOW);
        Map<String, String> s3 = new TreeMap<>(r.headers());
        s3.put("authorization", s3.get("authorization").replace("/batch/", "/s3/"));
        assertThatThrownBy(() -> SigV4.authorization(s3, "AKID", NOW)).isInstanceOf(ApiException.class)
                .hasMessage("Credential should be scoped to correct service: 'batch'.");
        Map<String, String> unsigned = new TreeMap<>(r.headers());
        unsigned.put("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        assertThatThrownBy(() -> SigV4.authorization(unsigned, "AKID", NOW)).isInstanceOf(ApiException.class)
                .hasMessageContaining("UNSIGNED-PAYLOAD is not accepted");
    }

    @Test
    void aSignatureIsTakenOnceWithinTheWindowAndTheGuardIsBounded() {
        ReplayGuard guard = new ReplayGuard(2);
        SigV4.Authorization a = SigV4.authorization(signed("{\"a\":1}", "secret", NOW).headers(), "AKID", NOW);
        guard.check(a, NOW);
        assertThatThrownBy(() -> guard.check(a, NOW.plusSeconds(60))).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("Signature already used");
        SigV4.Authorization b = SigV4.authorization(signed("{\"b\":1}", "secret", NOW).headers(), "AKID", NOW);
        guard.check(b, NOW);
        SigV4.Authorization c = SigV4.authorization(signed("{\"c\":1}", "secret", NOW).headers(), "AKID", NOW);
        assertThatThrownBy(() -> guard.check(c, NOW)).isInstanceOfSatisfying(ApiException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(429));
        // Past the window the old signatures are forgotten (the date check refuses them by then).
        Instant later = NOW.plus(SigV4.SKEW).plusSeconds(1);
        SigV4.Authorization d = SigV4.authorization(signed("{\"d\":1}", "secret", later).headers(), "AKID", later);
        assertThatCode(() -> guard.check(d, later)).doesNotThrowAnyException();
    }

    @Test
    void anOldSignatureOrNoneIsRefused() {
        assertThatThrownBy(() -> SigV4.verify(signed("{}", "secret", NOW.minus(Duration.ofMinutes(16))), "AKID", "secret", NOW))
                .isInstanceOf(ApiException.class).hasMessageStartingWith("Signature expired");
        assertThatThrownBy(() -> SigV4.verify(new SigV4.Request("POST", "/v1/listjobs", "", Map.of("host", "h"), new byte[0]),
                "AKID", "secret", NOW)).isInstanceOf(ApiException.class).hasMessage("Missing Authentication Token");
    }
}

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
                .hasMessageStartingWith("The request signature we calculated does not match");
    }

    @Test
    void anOldSignatureOrNoneIsRefused() {
        assertThatThrownBy(() -> SigV4.verify(signed("{}", "secret", NOW.minus(Duration.ofMinutes(16))), "AKID", "secret", NOW))
                .isInstanceOf(ApiException.class).hasMessageStartingWith("Signature expired");
        assertThatThrownBy(() -> SigV4.verify(new SigV4.Request("POST", "/v1/listjobs", "", Map.of("host", "h"), new byte[0]),
                "AKID", "secret", NOW)).isInstanceOf(ApiException.class).hasMessage("Missing Authentication Token");
    }
}

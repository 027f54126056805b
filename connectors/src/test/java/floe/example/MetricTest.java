package floe.example;

import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MetricTest {
    @Test
    void keysCompareAsUnsignedBytesShorterFirst() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Utf8 a = key(random);
            Utf8 b = random.nextInt(10) == 0 ? new Utf8(a.toString()) : key(random);
            int expected = Arrays.compareUnsigned(a.getBytes(), 0, a.getByteLength(), b.getBytes(), 0, b.getByteLength());
            assertThat(Integer.signum(Metric.compareKeys(a, b))).as("%s vs %s", a, b).isEqualTo(Integer.signum(expected));
        }
        assertThat(Metric.compareKeys(new Utf8("k00000009"), new Utf8("k00000010"))).isNegative();
        assertThat(Metric.compareKeys(new Utf8("é"), new Utf8("z"))).isPositive();
    }

    @Test
    void combineAddsCountsAndSumsAndKeepsExtremes() {
        Metric a = new Metric().set("k1", 2, 3.0, 1.0, 2.0);
        a.combine(new Metric().set("k1", 1, 0.5, 0.5, 0.5));
        assertThat(a).hasToString("k1,3,3.5,0.5,2.0");
    }

    private static Utf8 key(Random random) {
        byte[] bytes = new byte[random.nextInt(20)];
        for (int j = 0; j < bytes.length; j++) {
            bytes[j] = (byte) (random.nextBoolean() ? 'k' + random.nextInt(3) : random.nextInt(256));
        }
        return new Utf8(bytes);
    }
}

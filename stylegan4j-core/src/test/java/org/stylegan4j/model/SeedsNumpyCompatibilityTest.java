package org.stylegan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Seeds#latent} gives the z of NVIDIA's scripts bit for bit. The expected values were printed by numpy 2.4.6:
 * {@code z = np.random.RandomState(5).randn(512).astype(np.float32)}; {@code [float(v) for v in z[:4]]},
 * {@code z[-4:]} and {@code sum(float(v) for v in z)} (left to right in double precision).
 */
class SeedsNumpyCompatibilityTest {

    @Test
    void seed5IsNumpyRandomState5Randn512AsFloat32() {
        float[] z = Seeds.latent(5, 512);
        assertEquals(512, z.length);
        float[] head = {0.4412274956703186f, -0.3308701515197754f, 2.4307711124420166f, -0.2520921230316162f};
        float[] tail = {-0.7479485273361206f, -1.1697471141815186f, 0.0912344679236412f, 1.1344189643859863f};
        for (int i = 0; i < 4; i++) {
            assertEquals(head[i], z[i], 0f, "z[" + i + "]");
            assertEquals(tail[i], z[508 + i], 0f, "z[" + (508 + i) + "]");
        }
        double sum = 0;
        for (float v : z) {
            sum += v;
        }
        assertEquals(11.194141289917752, sum, 0.0);
    }

    @Test
    void seed0WithLatentSize32IsAPrefixOfTheSameStream() {
        float[] z = Seeds.latent(0, 32);
        assertEquals(1.764052391052246f, z[0], 0f);
        assertEquals(0.40015721321105957f, z[1], 0f);
        assertEquals(0.978738009929657f, z[2], 0f);
    }
}

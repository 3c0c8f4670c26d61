package org.stylegan4j.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.stylegan4j.io.pkl.OfficialImport;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** One frozen generator used by four threads at once gives, bit for bit, what one thread gives in turn. */
class GeneratorThreadsTest {

    private static float[] images(Generator g, long[] seeds) {
        try (NDManager m = Engines.newManager()) {
            return g.generate(Seeds.latents(seeds, g.config().latentSize(), m), Truncation.OFFICIAL,
                    Noise.seeded(seeds)).toFloatArray();
        }
    }

    @Test
    void fourThreadsGiveTheSequentialImages() throws Exception {
        try (Generator g = OfficialImport.load(Path.of("src", "test", "resources", "pkl", "fused128.pkl")).freeze()) {
            long[][] work = new long[8][];
            for (int i = 0; i < work.length; i++) {
                work[i] = i % 2 == 0 ? new long[] {i} : new long[] {i, 100 + i};
            }
            // the threads go first, so they also race to build the frozen generator's kept kernels
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<float[]>> parallel = new ArrayList<>();
            try {
                for (long[] seeds : work) {
                    parallel.add(pool.submit(() -> images(g, seeds)));
                }
                for (int i = 0; i < work.length; i++) {
                    assertArrayEquals(images(g, work[i]), parallel.get(i).get(), 0f, "task " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}

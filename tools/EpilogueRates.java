import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Blur;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.InstanceNorm;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.NoiseInjection;
import org.stylegan4j.nn.ParameterStore;

import java.util.function.Supplier;

/**
 * Warm timings of the engine operators that run between the convolutions of one generator pass at official widths,
 * batch 1, layer by layer: the epilogue's noise and bias, leaky ReLU and AdaIN's instance norm (two layers per
 * block), the blur after each upsampling, and a plain copy of the same activations for the machine's memory rate.
 * Each operator runs on its own, warm, on the layer's shape; the sum is how much of a pass these operators take
 * when nothing else runs. It complements the convolution floor of {@code bench generate} (docs/benchmark-history.md).
 *
 * <p>Usage, from the repository root after building:
 * {@code java -cp stylegan4j-cli/target/stylegan4j.jar tools/EpilogueRates.java RESOLUTION}
 */
public final class EpilogueRates {

    private static double millis(Supplier<NDArray> op) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 12; r++) {
            try (NDScope scope = new NDScope()) {
                long t0 = System.nanoTime();
                op.get().flatten().get(0).getFloat();
                if (r >= 2) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
            }
        }
        return best;
    }

    public static void main(String[] args) {
        int resolution = Integer.parseInt(args[0]);
        ModelConfig config = ModelConfig.official(resolution);
        double[] totals = new double[5];
        String[] names = {"noise + bias", "leaky ReLU", "instance norm + style", "blur", "copy"};
        System.out.printf("%-9s %8s %13s %11s %22s %8s %8s  (ms, one call)%n", "layer", "MB", names[0], names[1],
                names[2], names[3], names[4]);
        try (NDManager m = Engines.newManager()) {
            for (int res = 2; res <= config.resolutionLog2(); res++) {
                int size = 1 << res;
                int c = config.nf(res - 1);
                ParameterStore store = new ParameterStore(m, res);
                NoiseInjection noise = new NoiseInjection(store, "n" + res, c);
                NDArray bias = m.randomNormal(new Shape(1, c, 1, 1));
                Blur blur = new Blur(m, c);
                NDArray x = m.randomNormal(new Shape(1, c, size, size));
                NDArray map = m.randomNormal(new Shape(1, 1, size, size));
                NDArray scale = m.randomNormal(new Shape(1, c));
                NDArray shift = m.randomNormal(new Shape(1, c));
                double[] t = {
                    millis(() -> noise.forward(x, map).addi(bias)),
                    millis(() -> LeakyReLU.apply(x)),
                    millis(() -> InstanceNorm.modulate(x, scale, shift)),
                    res == 2 ? 0 : millis(() -> blur.forward(x)),
                    millis(x::duplicate)};
                // two layers per block, one blur per block above 4x4
                double[] perPass = {2 * t[0], 2 * t[1], 2 * t[2], t[3], 2 * t[4]};
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += perPass[i];
                }
                System.out.printf("%4dx%-4d %8.1f %13.2f %11.2f %22.2f %8.2f %8.2f%n", size, size,
                        4.0 * c * size * size / 1e6, t[0], t[1], t[2], t[3], t[4]);
            }
        }
        System.out.printf("per pass: noise + bias %.1f ms, leaky ReLU %.1f, instance norm + style %.1f, blur %.1f "
                + "(together %.1f); copying each layer's activations twice: %.1f%n", totals[0], totals[1], totals[2],
                totals[3], totals[0] + totals[1] + totals[2] + totals[3], totals[4]);
    }
}

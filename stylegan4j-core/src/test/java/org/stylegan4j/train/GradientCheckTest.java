package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stylegan4j.nn.Autograd;
import org.stylegan4j.nn.Blur;
import org.stylegan4j.nn.Conv2d;
import org.stylegan4j.nn.Dense;
import org.stylegan4j.nn.ParameterStore;
import org.stylegan4j.nn.Downscale2d;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.nn.InstanceNorm;
import org.stylegan4j.nn.LeakyReLU;
import org.stylegan4j.nn.MinibatchStddev;
import org.stylegan4j.nn.PixelNorm;
import org.stylegan4j.nn.Upscale2d;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Autograd through each layer against central finite differences of a smooth scalar of its output. */
class GradientCheckTest {

    static Function<NDArray, NDArray> op(String name, NDManager m) {
        switch (name) {
            case "mbstd":
                return x -> MinibatchStddev.apply(x, 4);
            case "blur":
                Blur blur = new Blur(m, 16);
                return blur::forward;
            case "downscale":
                return x -> Downscale2d.apply(x, 2);
            case "upscale":
                return x -> Upscale2d.apply(x, 2);
            case "lrelu":
                return LeakyReLU::apply;
            case "pixelnorm":
                return PixelNorm::apply;
            case "instancenorm":
                NDArray scale = m.arange(0f, 64f).reshape(4, 16).mul(0.1f).cos().add(1.5f);
                NDArray shift = m.arange(0f, 64f).reshape(4, 16).mul(0.3f).sin();
                return x -> InstanceNorm.modulate(x, scale, shift);
            case "conv":
                Conv2d conv = new Conv2d(new ParameterStore(m, 3), "c", 16, 16, 3, Math.sqrt(2), true);
                return conv::forward;
            case "dense":
                Dense dense = new Dense(new ParameterStore(m, 4), "d", 256, 16, Math.sqrt(2), 1.0, true);
                return x -> dense.forward(x.reshape(4, 256));
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /** A smooth, non-symmetric scalar of the output so that every path carries a distinct gradient. */
    static NDArray objective(NDArray y) {
        NDArray weights = y.getManager().arange(0f, (float) y.getShape().size()).reshape(y.getShape()).mul(0.01f).sin();
        return y.mul(weights).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mbstd", "blur", "downscale", "upscale", "lrelu", "pixelnorm", "instancenorm", "conv", "dense"})
    void autogradMatchesFiniteDifferences(String name) {
        try (NDManager m = Engines.newManager()) {
            Function<NDArray, NDArray> f = op(name, m);
            Random rng = new Random(7);
            float[] x = new float[4 * 16 * 4 * 4];
            for (int i = 0; i < x.length; i++) {
                double v = rng.nextGaussian();
                x[i] = (float) (Math.signum(v) * (Math.abs(v) + 0.05));
            }
            Shape shape = new Shape(4, 16, 4, 4);
            float[] analytic;
            try (NDManager s = m.newSubManager(); Autograd.Recording r = Autograd.record()) {
                NDArray in = s.create(x, shape);
                in.setRequiresGradient(true);
                Autograd.backward(objective(f.apply(in)));
                analytic = in.getGradient().toFloatArray();
            }
            double h = 1e-2;
            for (int i = 0; i < x.length; i++) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double numeric;
                try (NDManager s = m.newSubManager()) {
                    numeric = (objective(f.apply(s.create(plus, shape))).getFloat()
                            - objective(f.apply(s.create(minus, shape))).getFloat()) / (2 * h);
                }
                assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), name + " element " + i);
            }
        }
    }
}

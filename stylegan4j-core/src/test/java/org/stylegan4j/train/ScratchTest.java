package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.*;
import org.stylegan4j.nn.*;

class ScratchTest {
    @Test
    void t() {
        ModelConfig cfg = ModelConfig.preset("digits", 32);
        try (Generator g = new Generator(cfg, 1); Discriminator d = new Discriminator(cfg, 2); NDManager m = Engines.newManager()) {
            for (double lod : new double[] {2, 1.99, 1.5, 1.0}) {
                try (NDManager s = m.newSubManager()) {
                    NDArray z = s.randomNormal(new Shape(32, cfg.latentSize()));
                    NDArray ws = g.broadcast(g.map(z));
                    NDArray img = g.synthesis().forward(ws, Noise.random(), lod);
                    NDArray score = d.forward(img, lod);
                    System.out.println("CHK lod=" + lod + " img " + img.getShape() + " nan=" + img.isNaN().any().getBoolean() + " score nan=" + score.isNaN().any().getBoolean());
                    Autograd.requireGradients(d.parameters(), true);
                    try (Autograd.Recording r = Autograd.record()) {
                        NDArray reals = img.duplicate();
                        reals.setRequiresGradient(true);
                        NDArray pen = R1Penalty.squaredGradientNorm(d.forward(reals, lod), reals, lod);
                        System.out.println("CHK pen " + java.util.Arrays.toString(pen.toFloatArray()).substring(0, 60));
                    }
                    Autograd.clearGradients(d.parameters());
                    Autograd.requireGradients(d.parameters(), false);
                }
            }
        }
    }
}

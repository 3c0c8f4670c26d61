import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.ImageDataset;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;
import java.util.Random;

/**
 * Whether a training snapshot's D has memorised its training images (docs/augmentation.md): D's mean score on
 * training images, on held-out images of the same kind and on G's images (not G_ema's), the share of positive scores
 * on the first two (ADA's r_t, and the same on held-out images), and ADA's validation heuristic
 * r_v = (D(train) - D(held-out)) / (D(train) - D(generated)), 0 when D scores unseen images like the ones it trained
 * on and 1 when it scores them like fakes. Scores come from minibatches of 32 at full resolution, as in training
 * without augmentation. Run from the repository's root after building:
 * java -Dai.djl.offline=true -cp stylegan4j-cli/target/stylegan4j.jar tools/HeldOutScores.java SNAPSHOT TRAIN.zip HELD_OUT.zip N
 */
public final class HeldOutScores {

    private static final int BATCH = 32;

    public static void main(String[] args) throws Exception {
        Path snapshot = Path.of(args[0]);
        int n = Integer.parseInt(args[3]) / BATCH * BATCH;
        Checkpoint.Loaded loaded = Checkpoint.read(snapshot);
        try (NDManager m = Engines.newManager();
             Discriminator d = new Discriminator(loaded.config(), 0);
             Generator g = new Generator(loaded.config(), 0);
             ImageDataset train = ImageDataset.open(Path.of(args[1]));
             ImageDataset heldOut = ImageDataset.open(Path.of(args[2]))) {
            loaded.loadInto(Checkpoint.D, d.parameters());
            loaded.loadInto(Checkpoint.G, g.parameters());
            double[] tr = reals(m, d, train, n);
            double[] ho = reals(m, d, heldOut, n);
            double gen = generated(m, d, g, n);
            System.out.printf("%s: D(train) %.3f, D(held-out) %.3f, D(generated) %.3f, r_t %.3f, r_t held-out %.3f, "
                    + "r_v %.3f%n", snapshot, tr[0], ho[0], gen, tr[1], ho[1], (tr[0] - ho[0]) / (tr[0] - gen));
        }
    }

    /** Mean score and mean sign of the score over the first n images. */
    private static double[] reals(NDManager m, Discriminator d, ImageDataset images, int n) {
        if (images.size() < n) {
            throw new IllegalArgumentException("need " + n + " images, " + images.size() + " there");
        }
        int r = images.resolution();
        int c = images.channels();
        double mean = 0;
        double sign = 0;
        for (int b = 0; b < n / BATCH; b++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                float[] x = new float[BATCH * c * r * r];
                for (int i = 0; i < BATCH; i++) {
                    images.readInto(b * BATCH + i, x, i * c * r * r, false);
                }
                NDArray scores = d.forward(m.create(x, new Shape(BATCH, c, r, r)), 0);
                mean += scores.mean().getFloat();
                sign += scores.sign().mean().getFloat();
            }
        }
        return new double[] {mean / (n / BATCH), sign / (n / BATCH)};
    }

    /** Mean score of n images of G from a fixed seed. */
    private static double generated(NDManager m, Discriminator d, Generator g, int n) {
        Random rng = new Random(7);
        int latent = g.config().latentSize();
        double mean = 0;
        for (int b = 0; b < n / BATCH; b++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                float[] z = new float[BATCH * latent];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (float) rng.nextGaussian();
                }
                NDArray images = g.generate(m.create(z, new Shape(BATCH, latent)), Truncation.NONE, Noise.random());
                mean += d.forward(images, 0).mean().getFloat();
            }
        }
        return mean / (n / BATCH);
    }
}

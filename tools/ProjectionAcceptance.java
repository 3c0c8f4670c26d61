import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.digits.DigitClassifier;
import org.stylegan4j.digits.DigitPerceptualDistance;
import org.stylegan4j.digits.Digits;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.Noise;
import org.stylegan4j.model.Seeds;
import org.stylegan4j.model.Truncation;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.projection.ProjectedLatents;
import org.stylegan4j.projection.Projector;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The projection's acceptance figures (README, "Project real images"): closed-loop PSNR on 20 of the network's own
 * images (seeds 0-19, psi 1), and on 100 held-back real digits whether the classifier labels each projection as its
 * target, in W and in W+. Run from the repository's root after building:
 * java -Dai.djl.offline=true -cp stylegan4j-cli/target/stylegan4j.jar tools/ProjectionAcceptance.java NETWORK data/mnist32.zip
 */
public final class ProjectionAcceptance {

    public static void main(String[] args) throws Exception {
        Path network = Path.of(args[0]);
        Path data = Path.of(args[1]);
        try (Generator g = Checkpoint.loadGenerator(network).freeze(); NDManager m = Engines.newManager();
             DigitClassifier classifier = DigitClassifier.bundled()) {
            long[] seeds = new long[20];
            Arrays.setAll(seeds, i -> i);
            float[] own = quantised(g.generate(Seeds.latents(seeds, g.config().latentSize(), m), Truncation.NONE,
                    Noise.seeded(seeds)).toFloatArray());
            ProjectedLatents closed = project(g, m, own, 20, Projector.Space.W, "closed loop, W");
            double[] psnr = new double[20];
            for (int i = 0; i < 20; i++) {
                psnr[i] = psnr(Arrays.copyOfRange(own, i * 1024, (i + 1) * 1024), pixels(closed.image(g, i)));
            }
            double[] sorted = psnr.clone();
            Arrays.sort(sorted);
            System.out.printf("closed loop PSNR (dB): mean %.2f, min %.2f, median %.2f, max %.2f%n",
                    Arrays.stream(psnr).average().orElse(0), sorted[0], (sorted[9] + sorted[10]) / 2, sorted[19]);

            Digits held = Digits.heldBack(data);
            float[] real = new float[100 * 1024];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(held.images(), i * 10 * 1024, real, i * 1024, 1024);
            }
            int[] targetLabels = classifier.predict(real, 100);
            for (Projector.Space space : Projector.Space.values()) {
                ProjectedLatents p = project(g, m, real, 100, space, "100 held-back digits, " + space);
                float[] images = new float[100 * 1024];
                for (int i = 0; i < 100; i++) {
                    System.arraycopy(pixels(p.image(g, i)), 0, images, i * 1024, 1024);
                }
                int[] labels = classifier.predict(images, 100);
                int same = 0;
                for (int i = 0; i < 100; i++) {
                    same += labels[i] == targetLabels[i] ? 1 : 0;
                }
                System.out.printf("%s: the classifier labels %d of 100 projections as their targets%n", space, same);
            }
        }
    }

    private static ProjectedLatents project(Generator g, NDManager m, float[] targets, int n, Projector.Space space,
                                            String what) {
        long start = System.nanoTime();
        Projector.Result r = new Projector(g, new DigitPerceptualDistance(), Projector.Options.PUBLISHED
                .withSpace(space)).project(m.create(targets, new Shape(n, 1, 32, 32)), null);
        System.out.printf("%s: %d steps in %.1f s, mean distance %.4f -> %.4f%n", what, r.distances().length,
                (System.nanoTime() - start) / 1e9, r.meanDistance(0), r.meanDistance(r.distances().length - 1));
        return new ProjectedLatents(r.ws(), r.noise(), java.util.Map.of());
    }

    /** As a PNG stores it: rounded to 8 bits. */
    private static float[] quantised(float[] chw) {
        return pixels(Images.fromCHW(chw, 0, 1, 32, chw.length / 32));
    }

    private static float[] pixels(BufferedImage img) {
        float[] out = new float[img.getWidth() * img.getHeight()];
        int[] gray = img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
        for (int i = 0; i < out.length; i++) {
            out[i] = gray[i] / 127.5f - 1f;
        }
        return out;
    }

    private static double psnr(float[] a, float[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] - b[i]) * 127.5;
            se += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / a.length));
    }
}

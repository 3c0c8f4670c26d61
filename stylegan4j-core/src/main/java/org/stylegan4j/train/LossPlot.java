package org.stylegan4j.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.stylegan4j.data.Images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws {@code loss.png} after every tick: the loss curves of a run (G, D and the gradient penalty against kimg),
 * drawn with XChart; with augmentation also {@code augment.png}: the augmentation probability p and ADA's overfitting
 * heuristic r_t with its target.
 */
public final class LossPlot implements TrainingListener {

    /** Name of the plot in the run directory. */
    public static final String FILE = "loss.png";

    /** Name of the augmentation plot in the run directory (runs with augmentation only). */
    public static final String AUGMENT_FILE = "augment.png";

    private final List<TickStats> ticks = new ArrayList<>();

    @Override
    public void onStart(TrainingLoop loop) {
        ticks.clear();
        ticks.addAll(TickLog.read(loop.runDir(), loop.state().kimg()));
    }

    @Override
    public void onTick(TrainingLoop loop, TickStats stats) {
        ticks.add(stats);
        XYChart chart = new XYChartBuilder().width(800).height(450).title("stylegan4j training losses")
                .xAxisTitle("kimg").yAxisTitle("loss").build();
        double[] kimg = ticks.stream().mapToDouble(TickStats::kimg).toArray();
        chart.addSeries("G loss", kimg, ticks.stream().mapToDouble(TickStats::lossG).toArray());
        chart.addSeries("D loss", kimg, ticks.stream().mapToDouble(TickStats::lossD).toArray());
        chart.addSeries("penalty", kimg, ticks.stream().mapToDouble(TickStats::penalty).toArray());
        Images.writePng(BitmapEncoder.getBufferedImage(chart), loop.runDir().resolve(FILE));
        Augmentation augmentation = loop.config().augmentation();
        if (augmentation.enabled()) {
            XYChart aug = new XYChartBuilder().width(800).height(450).title("augmentation (" + augmentation.kind()
                    .label() + ")").xAxisTitle("kimg").yAxisTitle("p, r_t").build();
            aug.addSeries("p", kimg, ticks.stream().mapToDouble(TickStats::augmentP).toArray());
            aug.addSeries("r_t", kimg, ticks.stream().mapToDouble(TickStats::rt).toArray());
            if (augmentation.kind() == Augmentation.Kind.ADA) {
                double[] target = new double[kimg.length];
                Arrays.fill(target, augmentation.target());
                aug.addSeries("target", kimg, target);
            }
            Images.writePng(BitmapEncoder.getBufferedImage(aug), loop.runDir().resolve(AUGMENT_FILE));
        }
    }
}

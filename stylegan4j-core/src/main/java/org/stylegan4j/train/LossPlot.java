package org.stylegan4j.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.stylegan4j.data.Images;

import java.nio.file.Path;
import java.util.List;

/** The loss curves of a run (G, D and the gradient penalty against kimg), drawn with XChart. */
public final class LossPlot {

    private LossPlot() {
    }

    /**
     * @param ticks the run's ticks so far
     * @param file PNG to write (atomically)
     */
    public static void write(List<TickStats> ticks, Path file) {
        if (ticks.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("stylegan4j training losses")
                .xAxisTitle("kimg").yAxisTitle("loss").build();
        double[] kimg = ticks.stream().mapToDouble(TickStats::kimg).toArray();
        chart.addSeries("G loss", kimg, ticks.stream().mapToDouble(TickStats::lossG).toArray());
        chart.addSeries("D loss", kimg, ticks.stream().mapToDouble(TickStats::lossD).toArray());
        chart.addSeries("penalty", kimg, ticks.stream().mapToDouble(TickStats::penalty).toArray());
        Images.writePng(BitmapEncoder.getBufferedImage(chart), file);
    }
}

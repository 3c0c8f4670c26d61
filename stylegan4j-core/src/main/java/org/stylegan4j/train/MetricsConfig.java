package org.stylegan4j.train;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.metrics.MetricsRunner;

import java.util.List;

/**
 * The paper's metrics (section 4) measured during a run ({@link TrainingMetrics}): which, how often and with which
 * networks. Part of {@link TrainingConfig}; it does not change what the run computes, so a resumed run may change it.
 *
 * @param metrics metric names ({@link MetricsRunner#KNOWN}); empty: none
 * @param everyTicks ticks between measurements (the run's last tick is measured too)
 * @param num samples per metric (FID/KID: generated images and at most as many reals; PPL: pairs; LS: samples)
 * @param features feature network of fid and kid
 * @param ppl distance network of the ppl metrics
 * @param attributes attribute classifiers of ls
 * @param networkRgb repeat grayscale images to 3 channels for the TorchScript networks
 */
public record MetricsConfig(List<String> metrics, int everyTicks, int num, MetricNetworks.Choice features,
                            MetricNetworks.Choice ppl, MetricNetworks.Choice attributes, boolean networkRgb) {

    /** No metrics during training. */
    public static final MetricsConfig NONE = new MetricsConfig(List.of(), 5, 2000, null, null, null, false);

    /** Most samples per metric during training (each measurement pauses the run). */
    public static final int MAX_NUM = 200_000;

    /** Keeps the names in computation order, without repeats (null: none). */
    public MetricsConfig {
        metrics = metrics == null || metrics.isEmpty() ? List.of() : MetricsRunner.parse(String.join(",", metrics));
    }

    /**
     * The digit classifier's FID every 10 ticks on 1000 samples: what the small preset measures on 32x32 grayscale
     * data.
     *
     * @return the config
     */
    public static MetricsConfig digitsFid() {
        return new MetricsConfig(List.of("fid"), 10, 1000, new MetricNetworks.Choice(MetricNetworks.DIGITS, null),
                null, null, false);
    }

    /** @return whether any metric is measured */
    public boolean enabled() {
        return !metrics.isEmpty();
    }

    /**
     * @param names metric names (empty: none)
     * @return a copy measuring those
     */
    public MetricsConfig withMetrics(List<String> names) {
        return new MetricsConfig(names, everyTicks, num, features, ppl, attributes, networkRgb);
    }

    /**
     * @param ticks ticks between measurements
     * @return a copy measuring that often
     */
    public MetricsConfig withEveryTicks(int ticks) {
        return new MetricsConfig(metrics, ticks, num, features, ppl, attributes, networkRgb);
    }

    /**
     * @param samples samples per metric
     * @return a copy with that many
     */
    public MetricsConfig withNum(int samples) {
        return new MetricsConfig(metrics, everyTicks, samples, features, ppl, attributes, networkRgb);
    }

    /**
     * @param f feature network
     * @param p distance network
     * @param a attribute classifiers
     * @param rgb repeat grayscale images to 3 channels
     * @return a copy with those networks
     */
    public MetricsConfig withNetworks(MetricNetworks.Choice f, MetricNetworks.Choice p, MetricNetworks.Choice a,
                                      boolean rgb) {
        return new MetricsConfig(metrics, everyTicks, num, f, p, a, rgb);
    }

    /**
     * Checks the counts (the networks are checked when a run starts, {@link #checkNetworks}).
     *
     * @throws StyleGanInputException naming the field, its option and the problem
     */
    public void validate() {
        if (everyTicks < 1) {
            throw new StyleGanInputException("metrics.everyTicks (--metrics-every) must be at least 1, got " + everyTicks);
        }
        if (num < 2 || num > MAX_NUM) {
            throw new StyleGanInputException("metrics.num (--metrics-num) must be between 2 and " + MAX_NUM + ", got "
                    + num);
        }
    }

    /**
     * Checks that every metric has its network ({@link MetricNetworks#check}), when metrics are on.
     *
     * @param channels the generator's channels
     * @param resolution its resolution
     * @throws StyleGanInputException naming the missing or unusable network and its option
     */
    public void checkNetworks(int channels, int resolution) {
        if (enabled()) {
            MetricNetworks.check(metrics, features, ppl, attributes, channels, resolution);
        }
    }
}

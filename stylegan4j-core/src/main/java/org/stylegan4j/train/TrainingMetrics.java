package org.stylegan4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.data.Images;
import org.stylegan4j.io.AtomicFiles;
import org.stylegan4j.metrics.FeatureStatistics;
import org.stylegan4j.metrics.MetricNetworks;
import org.stylegan4j.metrics.MetricsRunner;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the paper's metrics (section 4) on G_ema during a run, as the official training loop does at its
 * snapshots: every {@link MetricsConfig#everyTicks()} ticks and on the final network, appending one JSON line per
 * measurement to {@code metrics.jsonl} and drawing {@code metrics.png}. A failing measurement is logged and the run
 * goes on; the measurements draw their own latents and noise, so what the run computes is the same with or without
 * them. When a run resumes, the lines measured after its snapshot are dropped (those ticks are trained again); lines
 * the {@code metrics} command appended (without {@code kimg}) are kept.
 */
public final class TrainingMetrics implements TrainingListener {

    /** Name of the measurements in the run directory (shared with the {@code metrics} command). */
    public static final String FILE = "metrics.jsonl";

    /** Name of the plot of the measurements. */
    public static final String PLOT = "metrics.png";

    /** Seed of the metrics' draws: the {@code metrics} command's default, so that both give the same numbers. */
    static final long SEED = 0;

    /** Largest {@code metrics.jsonl} {@link #read} reads (about 50k measurements). */
    private static final long MAX_READ_BYTES = 16 << 20;
    private static final int BATCH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingMetrics.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One measurement during training.
     *
     * @param kimg the run's position
     * @param values metric results by name
     */
    public record Row(double kimg, Map<String, Double> values) {
    }

    private final Map<String, FeatureStatistics> realStatistics = new HashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private MetricsConfig config;
    private MetricNetworks networks;
    private long measuredNimg = -1;

    @Override
    public void onStart(TrainingLoop loop) throws IOException {
        config = loop.config().metrics();
        rows.clear();
        if (!config.enabled()) {
            return;
        }
        keepUpTo(loop.runDir(), loop.state().kimg());
        rows.addAll(read(loop.runDir()));
        boolean measuredHere = rows.stream().anyMatch(r -> Math.abs(r.kimg() - loop.state().kimg()) < 1e-9);
        measuredNimg = measuredHere ? loop.state().nimg() : -1;
        int c = loop.config().model().numChannels();
        int res = loop.config().model().resolution();
        try {
            networks = MetricNetworks.open(config.metrics(), config.features(), config.ppl(), config.attributes(),
                    config.networkRgb(), c, res);
        } catch (RuntimeException e) {
            LOG.error("no metrics during this run: {}", e.getMessage());
        }
    }

    @Override
    public void onTick(TrainingLoop loop, TickStats stats) throws IOException {
        if (stats.tick() % config.everyTicks() == 0) {
            measure(loop, stats.tick());
        }
    }

    @Override
    public void onSnapshot(TrainingLoop loop, Path file) {
        boolean finished = loop.state().nimg() >= loop.config().totalKimg() * 1000;
        if (finished) {
            try {
                measure(loop, loop.state().tick());
            } catch (IOException e) {
                LOG.error("cannot write the final metrics: {}", e.getMessage());
            }
        }
    }

    @Override
    public void onEnd(TrainingLoop loop) {
        if (networks != null) {
            networks.close();
            networks = null;
        }
    }

    /** Measures G_ema as it is now, unless the metrics are off or this position was measured already. */
    private void measure(TrainingLoop loop, long tick) throws IOException {
        if (networks == null || measuredNimg == loop.state().nimg()) {
            return;
        }
        measuredNimg = loop.state().nimg();
        long started = System.nanoTime();
        Map<String, Double> results;
        try {
            results = MetricsRunner.run(loop.generatorEma(), config.metrics(), settings(loop), MetricsRunner.Progress.NONE,
                    realStatistics);
        } catch (RuntimeException e) {
            LOG.error("metrics at {} kimg failed (the run goes on): {}", String.format("%.1f", loop.state().kimg()),
                    e.getMessage());
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("tick", tick);
        line.put("kimg", loop.state().kimg());
        results.forEach(line::put);
        line.put("num", config.num());
        line.put("seed", SEED);
        networks.described().forEach(line.putObject("networks")::put);
        line.put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        line.put("time", Instant.now().toString());
        Files.writeString(loop.runDir().resolve(FILE), JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        LOG.info("metrics at {} kimg: {}", String.format("%.1f", loop.state().kimg()), results);
        rows.add(new Row(loop.state().kimg(), results));
        plot(loop.runDir());
    }

    private MetricsRunner.Settings settings(TrainingLoop loop) {
        int c = loop.config().model().numChannels();
        int res = loop.config().model().resolution();
        return new MetricsRunner.Settings(config.num(), BATCH, SEED, loop.data().source().path(), null,
                c == 3 && res >= 256, loop.config().mirror(), networks.extractor(), networks.pathDistance(),
                networks.attributes());
    }

    /** Draws one chart per metric against kimg, stacked in one image. */
    private void plot(Path runDir) {
        List<String> names = new ArrayList<>();
        rows.forEach(r -> r.values().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add));
        List<BufferedImage> charts = new ArrayList<>();
        for (String name : names) {
            List<Row> with = rows.stream().filter(r -> r.values().containsKey(name)).toList();
            XYChart chart = new XYChartBuilder().width(800).height(300).title(name).xAxisTitle("kimg")
                    .yAxisTitle(name).build();
            chart.addSeries(name, with.stream().mapToDouble(Row::kimg).toArray(),
                    with.stream().mapToDouble(r -> r.values().get(name)).toArray());
            charts.add(BitmapEncoder.getBufferedImage(chart));
        }
        BufferedImage all = new BufferedImage(800, 300 * charts.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(charts.get(i), 0, 300 * i, null);
        }
        g.dispose();
        Images.writePng(all, runDir.resolve(PLOT));
    }

    /** Drops the measurements after a position (a resumed run trains those ticks again), keeping other lines. */
    private static void keepUpTo(Path runDir, double kimg) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = parse(line);
            if (n == null || !n.has("kimg") || n.get("kimg").asDouble() <= kimg + 1e-9) {
                kept.append(line).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }

    /**
     * The measurements of a run during training, in order (lines without {@code kimg}, from the {@code metrics}
     * command, and unreadable lines are skipped; a file over 16 MiB is not read).
     *
     * @param runDir run directory
     * @return the rows (none when there is no file)
     */
    public static List<Row> read(Path runDir) {
        Path file = runDir.resolve(FILE);
        List<Row> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_READ_BYTES) {
                return out;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode n = parse(line);
                if (n != null && n.has("kimg")) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    n.fields().forEachRemaining(e -> {
                        if (MetricsRunner.RESULTS.contains(e.getKey()) && e.getValue().isNumber()) {
                            values.put(e.getKey(), e.getValue().asDouble());
                        }
                    });
                    out.add(new Row(n.get("kimg").asDouble(), values));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
        }
        return out;
    }

    private static JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}

package org.stylegan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code log.jsonl}, one JSON line of {@link TickStats} per tick. When a run resumes, the lines logged after
 * its snapshot are dropped (those ticks are trained again).
 */
public final class TickLog implements TrainingListener {

    /** Name of the log in the run directory. */
    public static final String FILE = "log.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(TickLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void onStart(TrainingLoop loop) throws IOException {
        Path log = loop.runDir().resolve(FILE);
        if (!Files.exists(log)) {
            return;
        }
        List<TickStats> ticks;
        try {
            ticks = parse(log, loop.state().kimg());
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}); new ticks are appended to it as it is", log, e.getMessage());
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (TickStats t : ticks) {
            kept.append(JSON.writeValueAsString(t)).append('\n');
        }
        AtomicFiles.writeString(log, kept.toString());
    }

    @Override
    public void onTick(TrainingLoop loop, TickStats stats) throws IOException {
        Files.writeString(loop.runDir().resolve(FILE), JSON.writeValueAsString(stats) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * @param runDir run directory
     * @param upToKimg the last position to keep
     * @return the ticks logged up to that position (none when there is no readable log)
     */
    public static List<TickStats> read(Path runDir, double upToKimg) {
        Path log = runDir.resolve(FILE);
        if (!Files.exists(log)) {
            return new ArrayList<>();
        }
        try {
            return parse(log, upToKimg);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", log, e.getMessage());
            return new ArrayList<>();
        }
    }

    private static List<TickStats> parse(Path log, double upToKimg) throws IOException {
        List<TickStats> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                TickStats t = JSON.readValue(line, TickStats.class);
                if (t.kimg() <= upToKimg + 1e-9) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}

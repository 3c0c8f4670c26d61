package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.io.Checkpoint;
import org.stylegan4j.io.SafeTensors;
import org.stylegan4j.model.Discriminator;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots of a run: {@code network-snapshot-KKKKKK.safetensors} holds G, G_ema and D, and the
 * optimizer moments ({@code G_opt.*}, {@code D_opt.*}) with the counters and training config in its
 * metadata, written atomically as one file, so that a kill at any moment leaves the previous
 * snapshot whole and never pairs networks with another moment's state.
 */
public final class Snapshots {

    private static final Pattern NETWORK = Pattern.compile("network-snapshot-(\\d{6})\\.safetensors");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE_KEY = "training_state";
    private static final String CONFIG_KEY = "training_config";

    private Snapshots() {
    }

    /** A snapshot of another architecture than the run resuming from it: no other snapshot of the run can help. */
    public static final class IncompatibleSnapshotException extends StyleGanInputException {

        private static final long serialVersionUID = 1L;

        /** @param message names the snapshot and both architectures */
        public IncompatibleSnapshotException(String message) {
            super(message);
        }
    }

    /**
     * @param runDir run directory
     * @param kimg thousands of images
     * @return the network snapshot file name for that point
     */
    public static Path networkFile(Path runDir, long kimg) {
        return runDir.resolve(String.format("network-snapshot-%06d.safetensors", kimg));
    }

    /**
     * Writes a snapshot.
     *
     * @param runDir run directory
     * @param config training config
     * @param state counters
     * @param g generator
     * @param gEma moving average of the generator
     * @param d discriminator
     * @param adamG G's optimizer
     * @param adamD D's optimizer
     * @return the network file
     * @throws IOException if writing fails
     */
    public static Path write(Path runDir, TrainingConfig config, TrainingState state, Generator g, Generator gEma,
                             Discriminator d, Adam adamG, Adam adamD) throws IOException {
        long kimg = state.nimg() / 1000;
        Path network = networkFile(runDir, kimg);
        Map<String, ParameterStore> nets = new LinkedHashMap<>();
        nets.put(Checkpoint.G, g.parameters());
        nets.put(Checkpoint.G_EMA, gEma.parameters());
        nets.put(Checkpoint.D, d.parameters());
        Map<String, SafeTensors.Tensor> optimizer = new LinkedHashMap<>();
        putMoments(optimizer, "G_opt", adamG);
        putMoments(optimizer, "D_opt", adamD);
        Map<String, String> meta = new HashMap<>();
        meta.put("kimg", Double.toString(state.kimg()));
        meta.put(STATE_KEY, json(state));
        meta.put(CONFIG_KEY, json(config));
        Checkpoint.save(network, config.model(), nets, optimizer, meta);
        return network;
    }

    private static void putMoments(Map<String, SafeTensors.Tensor> out, String prefix, Adam adam) {
        for (Map.Entry<String, NDArray> e : adam.firstMoments().entrySet()) {
            out.put(prefix + ".m." + e.getKey(), tensor(e.getValue()));
        }
        for (Map.Entry<String, NDArray> e : adam.secondMoments().entrySet()) {
            out.put(prefix + ".v." + e.getKey(), tensor(e.getValue()));
        }
    }

    private static SafeTensors.Tensor tensor(NDArray a) {
        return new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray());
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A snapshot found on disk.
     *
     * @param network network snapshot
     * @param state the file holding its training state (the snapshot itself)
     * @param kimg its thousands of images
     */
    public record Found(Path network, Path state, long kimg) {
    }

    /**
     * @param runDir run directory
     * @return snapshots, newest first
     */
    public static List<Found> list(Path runDir) {
        List<Found> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(runDir)) {
            files.forEach(f -> {
                Matcher m = NETWORK.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.add(new Found(f, f, Long.parseLong(m.group(1))));
                }
            });
        } catch (IOException e) {
            throw new StyleGanInputException("cannot list " + runDir + ": " + e.getMessage());
        }
        found.sort(Comparator.comparingLong(Found::kimg).reversed());
        return found;
    }

    /**
     * The training config stored in a state file.
     *
     * @param stateFile training state file
     * @return the config
     */
    public static TrainingConfig readConfig(Path stateFile) {
        String text = SafeTensors.readMetadata(stateFile).get(CONFIG_KEY);
        if (text == null) {
            throw new StyleGanInputException(stateFile + ": not a stylegan4j training state (no training config)");
        }
        return TrainingConfig.fromJson(text, stateFile.toString());
    }

    /**
     * Loads a snapshot into freshly built networks and optimizers of the same config.
     *
     * @param found the snapshot
     * @param model the architecture the run uses
     * @param g generator to fill
     * @param gEma moving average to fill
     * @param d discriminator to fill
     * @param adamG G's optimizer to fill
     * @param adamD D's optimizer to fill
     * @return the counters
     * @throws IncompatibleSnapshotException if the snapshot's model (as its training config records it) is not
     *         {@code model}
     */
    public static TrainingState load(Found found, ModelConfig model, Generator g, Generator gEma, Discriminator d,
                                     Adam adamG, Adam adamD) {
        ModelConfig stored = readConfig(found.state()).model();
        if (!stored.equals(model)) {
            throw new IncompatibleSnapshotException(found.network() + " was trained with another model config ("
                    + stored.preset() + ", " + stored.resolution() + "x" + stored.resolution()
                    + ") than this run (" + model.preset() + ", " + model.resolution() + "x" + model.resolution() + ")");
        }
        Checkpoint.Loaded net = Checkpoint.read(found.network());
        net.loadInto(Checkpoint.G, g.parameters());
        net.loadInto(Checkpoint.G_EMA, gEma.parameters());
        net.loadInto(Checkpoint.D, d.parameters());
        SafeTensors.Contents st = net.contents();
        TrainingState state;
        try {
            state = JSON.readValue(Optional.ofNullable(st.metadata().get(STATE_KEY)).orElseThrow(
                    () -> new StyleGanInputException(found.state() + ": no training state")), TrainingState.class);
        } catch (JsonProcessingException e) {
            throw new StyleGanInputException(found.state() + ": training state is not valid (" + e.getOriginalMessage() + ")");
        }
        restore(st, "G_opt", adamG, state.adamStepsG(), found.state());
        restore(st, "D_opt", adamD, state.adamStepsD(), found.state());
        return state;
    }

    private static void restore(SafeTensors.Contents st, String prefix, Adam adam, long steps, Path file) {
        Map<String, float[]> m = new HashMap<>();
        Map<String, float[]> v = new HashMap<>();
        for (String name : adam.firstMoments().keySet()) {
            SafeTensors.Tensor tm = st.tensors().get(prefix + ".m." + name);
            SafeTensors.Tensor tv = st.tensors().get(prefix + ".v." + name);
            if (tm == null || tv == null) {
                throw new StyleGanInputException(file + ": optimizer moments of '" + name + "' are missing");
            }
            m.put(name, tm.data());
            v.put(name, tv.data());
        }
        adam.restore(steps, m, v);
    }
}

package org.stylegan4j.metrics;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.Engines;

import java.nio.file.Files;
import java.nio.file.Path;

/** A user's TorchScript file loaded by DJL's PyTorch engine (offline), with the input conventions of the metrics. */
final class TorchScriptNetwork implements AutoCloseable {

    private final Path file;
    private final Model model;
    private final TorchScriptFeatureExtractor.Input input;
    private final boolean rgb;

    TorchScriptNetwork(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb) {
        if (!Files.isRegularFile(file)) {
            throw new StyleGanInputException("network " + file + " does not exist");
        }
        this.file = file;
        this.input = input;
        this.rgb = rgb;
        Engines.pytorch();
        this.model = Model.newInstance("metric-network", Engines.device(), "PyTorch");
        try {
            model.load(file);
        } catch (Exception | UnsatisfiedLinkError e) {
            model.close();
            throw new StyleGanInputException(file + " is not a TorchScript file the PyTorch engine can load ("
                    + firstLine(e) + ")");
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    Path file() {
        return file;
    }

    String id() {
        return "torchscript:" + file.toAbsolutePath() + ":" + input.label() + (rgb ? ":rgb" : "");
    }

    NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    /** Converts images from [-1, 1] floats to the network's convention. */
    NDArray prepare(NDArray x) {
        NDArray y = rgb && x.getShape().get(1) == 1 ? x.repeat(1, 3) : x;
        return switch (input) {
            case FLOAT -> y;
            case FLOAT255 -> y.mul(127.5f).add(127.5f);
            case UINT8 -> y.mul(127.5f).add(128f).floor().clip(0, 255).toType(DataType.UINT8, false);
        };
    }

    /** Runs the network; its first output as float32. */
    NDArray forward(NDManager m, NDArray... inputs) {
        NDList in = new NDList();
        for (NDArray x : inputs) {
            in.add(prepare(x));
        }
        try {
            return model.getBlock().forward(new ParameterStore(m, false), in, false).get(0).toType(DataType.FLOAT32, false);
        } catch (StyleGanInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StyleGanInputException(file + " failed on inputs of shape " + inputs[0].getShape() + " ("
                    + firstLine(e) + ")");
        }
    }

    @Override
    public void close() {
        model.close();
    }
}

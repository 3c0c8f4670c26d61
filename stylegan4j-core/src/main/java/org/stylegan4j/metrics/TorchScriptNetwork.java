package org.stylegan4j.metrics;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.IValue;
import ai.djl.training.ParameterStore;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.Engines;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A user's TorchScript file loaded by DJL's PyTorch engine (offline), with the input conventions of the metrics. A
 * failure on the first batch is reported as a likely input-convention mismatch, naming the option that changes it.
 */
final class TorchScriptNetwork implements AutoCloseable {

    private final Path file;
    private final Model model;
    private final TorchScriptFeatureExtractor.Input input;
    private final boolean rgb;
    private final String option;
    private final boolean returnFeatures;
    private boolean ran;

    /**
     * @param file TorchScript file
     * @param input input convention
     * @param rgb whether grayscale images are repeated to three channels first
     * @param option the command-line option that sets {@code input}, named when the first batch fails
     * @param returnFeatures whether forward is called as {@code forward(x, True)} (NVIDIA's
     *                       {@code forward(img, return_features=False)})
     */
    TorchScriptNetwork(Path file, TorchScriptFeatureExtractor.Input input, boolean rgb, String option,
                       boolean returnFeatures) {
        if (!Files.isRegularFile(file)) {
            throw new StyleGanInputException("network " + file + " does not exist");
        }
        this.file = file;
        this.input = input;
        this.rgb = rgb;
        this.option = option;
        this.returnFeatures = returnFeatures;
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

    /** The error line of a TorchScript interpreter trace (its last "...Error: " line), else the first line. */
    static String errorLine(Throwable e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String found = null;
        for (String line : m.split("\n")) {
            if (line.matches("\\s*\\w*(Error|Exception): .*")) {
                found = line.strip();
            }
        }
        return found != null ? found : firstLine(e);
    }

    Path file() {
        return file;
    }

    String id() {
        return "torchscript:" + file.toAbsolutePath() + ":" + input.label() + (rgb ? ":rgb" : "")
                + (returnFeatures ? ":return_features" : "");
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
        return forward(m, false, inputs);
    }

    /**
     * Runs the network with autograd on, so that its output can be differentiated with respect to the inputs
     * ({@code Projector}). The module stays in evaluation mode (no dropout): DJL's training flag would switch it to
     * training mode as well, so the call goes to the engine directly.
     */
    NDArray forwardRecorded(NDManager m, NDArray... inputs) {
        return forward(m, true, inputs);
    }

    private NDArray forward(NDManager m, boolean recorded, NDArray... inputs) {
        NDList in = new NDList();
        for (NDArray x : inputs) {
            in.add(prepare(x));
        }
        try {
            NDArray out = returnFeatures ? forwardReturningFeatures(m, in.singletonOrThrow())
                    : recorded ? IValueUtils.forward((PtSymbolBlock) model.getBlock(), in, true).get(0)
                    : model.getBlock().forward(new ParameterStore(m, false), in, false).get(0);
            ran = true;
            return out.toType(DataType.FLOAT32, false);
        } catch (StyleGanInputException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!ran) {
                throw new StyleGanInputException(file + " failed on its first batch of " + input.label() + " input "
                        + "(" + errorLine(e) + "); if it takes another input, set " + option
                        + " (float, float255 or uint8)");
            }
            throw new StyleGanInputException(file + " failed on inputs of shape " + inputs[0].getShape() + " ("
                    + errorLine(e) + ")");
        }
    }

    /** {@code forward(x, True)} through the engine's IValue interface. */
    private NDArray forwardReturningFeatures(NDManager m, NDArray x) {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        try (IValue image = IValue.from((PtNDArray) x); IValue flag = IValue.from(true);
             IValue out = block.forward(image, flag)) {
            return out.toNDList((PtNDManager) m).get(0);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}

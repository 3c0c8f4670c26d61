package org.stylegan4j.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.stylegan4j.nn.Engines;

/**
 * The {@code StyleGAN4j} DJL engine: models are stylegan4j generators ({@link StyleGanModel}, loaded from a
 * {@code .safetensors} checkpoint or an official {@code .pkl}); tensors are the PyTorch engine's. Name it in a
 * criteria with {@code optEngine(StyleGanEngine.ENGINE_NAME)}. It ranks after every real engine, so it is never DJL's
 * default. Inference only.
 */
public final class StyleGanEngine extends Engine {

    /** The engine's name in DJL. */
    public static final String ENGINE_NAME = "StyleGAN4j";
    /** Rank: after DJL's own engines (PyTorch 2, MXNet 1, TensorFlow 3, ...). */
    static final int RANK = 100;

    @Override
    public Engine getAlternativeEngine() {
        return null;
    }

    @Override
    public String getEngineName() {
        return ENGINE_NAME;
    }

    @Override
    public int getRank() {
        return RANK;
    }

    @Override
    public String getVersion() {
        return Engines.pytorch().getVersion();
    }

    @Override
    public boolean hasCapability(String capability) {
        return Engines.pytorch().hasCapability(capability);
    }

    @Override
    public Device defaultDevice() {
        return Engines.device();
    }

    @Override
    public int getGpuCount() {
        return Engines.pytorch().getGpuCount();
    }

    @Override
    public Model newModel(String name, Device device) {
        return new StyleGanModel(name, device);
    }

    @Override
    public NDManager newBaseManager() {
        return Engines.newManager();
    }

    @Override
    public NDManager newBaseManager(Device device) {
        return Engines.pytorch().newBaseManager(device);
    }

    @Override
    public GradientCollector newGradientCollector() {
        throw new UnsupportedOperationException("the StyleGAN4j engine generates only; train with TrainingLoop");
    }
}

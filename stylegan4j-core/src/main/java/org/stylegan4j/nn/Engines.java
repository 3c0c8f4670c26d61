package org.stylegan4j.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine the way stylegan4j needs it: offline natives from the bundled jar,
 * intra-op threads = available cores, one inter-op thread, no autograd outside training steps.
 */
public final class Engines {

    private static Engine engine;

    private Engines() {
    }

    /**
     * Returns the PyTorch engine, starting it on first use.
     *
     * @return the engine
     */
    public static synchronized Engine pytorch() {
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            String threads = Integer.toString(Runtime.getRuntime().availableProcessors());
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", threads);
            }
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            }
            engine = Engine.getEngine("PyTorch");
            JniUtils.setGradMode(false);
        }
        return engine;
    }

    /**
     * Creates a new root manager on the PyTorch engine's default device.
     *
     * @return a manager the caller must close
     */
    public static NDManager newManager() {
        return pytorch().newBaseManager();
    }

    /**
     * Number of intra-op threads the engine runs with.
     *
     * @return thread count
     */
    public static int threads() {
        pytorch();
        return JniUtils.getNumThreads();
    }
}

package org.stylegan4j.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.stylegan4j.StyleGanInputException;

import java.util.Locale;

/**
 * Starts DJL's PyTorch engine the way stylegan4j needs it: offline natives from the bundled jar,
 * intra-op threads = available cores, one inter-op thread, no autograd outside training steps.
 * Every tensor of stylegan4j lives on one device: the engine's default (a GPU when the CUDA natives
 * are on the class path and one is visible, else the CPU) unless {@link #useDevice} chose another.
 */
public final class Engines {

    private static Engine engine;
    private static String requestedDevice = "auto";
    private static Device device;

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
     * Chooses the device of every tensor created from now on. Call it before any network is built.
     *
     * @param name {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N}, or {@code auto} (the engine's default)
     * @throws StyleGanInputException for an unknown name (a GPU that is not there is refused by {@link #device()})
     */
    public static synchronized void useDevice(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (!n.equals("auto") && !n.equals("cpu") && !n.matches("gpu(:\\d+)?")) {
            throw new StyleGanInputException("--device must be cpu, gpu, gpu:N or auto, got '" + name + "'");
        }
        requestedDevice = n;
        device = null;
    }

    /**
     * The device every tensor is created on, resolved on first use.
     *
     * @return the device
     * @throws StyleGanInputException when a GPU was asked for and the engine has none (naming why)
     */
    public static synchronized Device device() {
        if (device == null) {
            Engine e = pytorch();
            if (requestedDevice.equals("auto")) {
                device = e.defaultDevice();
            } else if (requestedDevice.equals("cpu")) {
                // deliberate: the user asked for the CPU (--device cpu); every tensor then follows this device
                device = Device.cpu();
            } else {
                int id = requestedDevice.contains(":") ? Integer.parseInt(requestedDevice.substring(4)) : 0;
                if (!e.hasCapability(StandardCapabilities.CUDA)) {
                    throw new StyleGanInputException("--device gpu: this build has PyTorch's CPU natives; build the "
                            + "CUDA jar with `mvn -Pcuda -DskipTests package` (see the README)");
                }
                if (id >= e.getGpuCount()) {
                    throw new StyleGanInputException("--device " + requestedDevice + ": PyTorch sees " + e.getGpuCount()
                            + " GPU(s) (check the driver and CUDA_VISIBLE_DEVICES)");
                }
                device = Device.gpu(id);
            }
        }
        return device;
    }

    /**
     * Creates a new root manager on stylegan4j's device ({@link #device()}).
     *
     * @return a manager the caller must close
     */
    public static NDManager newManager() {
        return pytorch().newBaseManager(device());
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

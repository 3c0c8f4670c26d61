package org.stylegan4j.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.stylegan4j.StyleGanInputException;

import java.util.Locale;

/**
 * The PyTorch engine and the device every tensor of stylegan4j lives on: the engine's default (a GPU
 * when the CUDA natives are on the class path and one is visible, else the CPU) unless
 * {@link #useDevice} chose another.
 *
 * <p>The library changes no JVM-wide setting: which native artifact is on the class path, whether DJL
 * may download anything ({@code ai.djl.offline}) and the engine's thread counts
 * ({@code ai.djl.pytorch.num_threads}, {@code ai.djl.pytorch.num_interop_threads}) are the
 * application's choice, made with system properties before the engine starts (the command line sets
 * offline, one intra-op thread per core and one inter-op thread; the README shows how). The only state
 * stylegan4j sets is thread-local: autograd recording is off in the thread that starts the engine, and
 * on only inside {@link Autograd#record()}.
 */
public final class Engines {

    private static Engine engine;
    private static String requestedDevice = "auto";
    private static Device device;

    private Engines() {
    }

    /**
     * Returns the PyTorch engine, starting it on first use with the settings the application chose.
     *
     * @return the engine
     */
    public static synchronized Engine pytorch() {
        if (engine == null) {
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

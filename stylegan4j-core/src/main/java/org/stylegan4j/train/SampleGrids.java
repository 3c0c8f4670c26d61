package org.stylegan4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.stylegan4j.data.Images;
import org.stylegan4j.nn.Engines;

import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the sample grids of a run: {@code reals.png} when it starts (images spread evenly over the dataset, which
 * is often sorted by class) and, after every tick, {@code fakesKKKKKK.png} from the moving-average generator with the
 * run's fixed latents at the level of detail in force (as the official grids).
 */
public final class SampleGrids implements TrainingListener {

    /** Name of the real-image grid in the run directory. */
    public static final String REALS = "reals.png";

    @Override
    public void onStart(TrainingLoop loop) {
        if (loop.state().nimg() == 0) {
            int grid = loop.config().gridSize();
            Images.writePng(SampleGrid.reals(loop.data(), grid * grid, grid), loop.runDir().resolve(REALS));
        }
    }

    @Override
    public void onTick(TrainingLoop loop, TickStats stats) {
        TrainingConfig config = loop.config();
        TrainingState state = loop.state();
        int grid = config.gridSize();
        int count = grid * grid;
        int latent = config.model().latentSize();
        double lod = Schedule.at(config, state.scheduleIteration() < 0 ? state.kimg() : state.scheduleKimg()).lod();
        Path file = loop.runDir().resolve(String.format("fakes%06d.png", state.nimg() / 1000));
        try (NDManager m = Engines.newManager()) {
            NDArray z = m.create(TrainingStep.gaussians(new Random(config.seed()), count * latent),
                    new Shape(count, latent));
            SampleGrid.write(loop.generatorEma(), z, lod, grid, file);
        }
    }
}

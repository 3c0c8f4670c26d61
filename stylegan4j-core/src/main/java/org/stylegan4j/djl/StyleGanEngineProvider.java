package org.stylegan4j.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;

/** Registers the {@code StyleGAN4j} engine with DJL (found by {@code ServiceLoader}). */
public final class StyleGanEngineProvider implements EngineProvider {

    private static volatile Engine engine;

    @Override
    public String getEngineName() {
        return StyleGanEngine.ENGINE_NAME;
    }

    @Override
    public int getEngineRank() {
        return StyleGanEngine.RANK;
    }

    @Override
    public Engine getEngine() {
        if (engine == null) {
            synchronized (StyleGanEngineProvider.class) {
                if (engine == null) {
                    engine = new StyleGanEngine();
                }
            }
        }
        return engine;
    }
}

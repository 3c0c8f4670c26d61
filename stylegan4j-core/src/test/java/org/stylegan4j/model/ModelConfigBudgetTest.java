package org.stylegan4j.model;

import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.nn.ParameterStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ModelConfig bounds every width and counts the model's parameters before any network is built. */
class ModelConfigBudgetTest {

    private static long elements(ParameterStore store) {
        return store.all().stream().mapToLong(ParameterStore.Parameter::size).sum();
    }

    @Test
    void parameterCountMatchesTheBuiltNetworks() {
        for (ModelConfig c : new ModelConfig[] {ModelConfig.preset("small", 32), ModelConfig.preset("B", 16),
            ModelConfig.preset("C", 8), ModelConfig.official(64),
            ModelConfig.preset("small", 16).withDiscriminator(new DiscriminatorConfig(4, 8, 3))}) {
            try (Generator g = new Generator(c, 0); Discriminator d = new Discriminator(c, 0)) {
                assertEquals(elements(g.parameters()) + elements(d.parameters()), c.parameterCount(), c.preset());
            }
        }
    }

    @Test
    void officialAt1024IsWithinTheDefaultBudget() {
        long count = ModelConfig.official(1024).parameterCount();
        assertTrue(count > 49_000_000L && count < ModelConfig.DEFAULT_MAX_PARAMETERS, "count " + count);
    }

    @Test
    void wideFeatureMapsAreRefusedBeforeAnyAllocation() {
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> new ModelConfig("x", 1024, 3, 512,
                512, 8, 512, 0.01, 8192, 1.0, 8192, true, true, true, false, 0.9, null));
        assertTrue(e.getMessage().startsWith("model too large: generator and discriminator would hold "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("over the limit of 200,000,000 (raise it with -Dstylegan4j.maxParameters=N)"),
                e.getMessage());
    }

    @Test
    void everyWidthIsBounded() {
        assertEquals("latent size must be at most 8192, got 1073741824", assertThrows(StyleGanInputException.class,
                () -> new ModelConfig("x", 8, 3, 1 << 30, 512, 8, 512, 0.01, 8192, 1.0, 512, true, true, true,
                        false, 0.9, null)).getMessage());
        assertEquals("fmap_max must be at most 8192, got 15000", assertThrows(StyleGanInputException.class,
                () -> new ModelConfig("x", 8, 3, 512, 512, 8, 512, 0.01, 8192, 1.0, 15000, true, true, true,
                        false, 0.9, null)).getMessage());
        assertEquals("fmap_base must be at most 1048576, got 1000000000", assertThrows(StyleGanInputException.class,
                () -> new ModelConfig("x", 8, 3, 512, 512, 8, 512, 0.01, 1_000_000_000, 1.0, 512, true, true, true,
                        false, 0.9, null)).getMessage());
        assertEquals("fmap_decay must be between 0 and 16.0, got NaN", assertThrows(StyleGanInputException.class,
                () -> new ModelConfig("x", 8, 3, 512, 512, 8, 512, 0.01, 8192, Double.NaN, 512, true, true, true,
                        false, 0.9, null)).getMessage());
    }
}
